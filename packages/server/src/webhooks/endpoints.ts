import { Webhook } from "standardwebhooks";
import { ApiError } from "../errors.js";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./event-types.js";
import { ENDPOINT_ID_PATTERN, newWebhookId } from "./ids.js";
import { newWebhookSecret } from "./secret.js";
import type { WebhookStore } from "../store/webhook-store.js";
import { checkWebhookUrl } from "./url.js";

/** Most endpoints one API key (or everyone, with auth off) may register. */
export const MAX_WEBHOOKS_PER_OWNER = 20;

/** A registered endpoint; `secret` signs what is sent to it. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** The owner id of the API key that registered it; absent when auth is off. */
  owner?: string;
}

export interface WebhookEndpointsOptions {
  now: () => number;
  /** Where endpoints and callback secrets are kept. */
  store: WebhookStore;
  /** Most endpoints per owner. */
  maxPerOwner: number;
  /** Signs every owner's `callbackUrl` deliveries; without it each owner gets a random one. */
  callbackSecret?: string | undefined;
}

/** Signers kept built; past it the oldest is dropped (and built again when needed). */
const MAX_SIGNERS = 1_000;

/**
 * Endpoints and callback secrets, per owner (one owner with auth off), in the webhook store, so
 * every server sharing it knows them. Another owner's endpoint is "not found", as jobs are.
 */
export class WebhookEndpoints {
  readonly #options: WebhookEndpointsOptions;
  readonly #store: WebhookStore;
  /** By secret: building a signer decodes the key, once per secret is enough. */
  readonly #signers = new Map<string, Webhook>();

  constructor(options: WebhookEndpointsOptions) {
    this.#options = options;
    this.#store = options.store;
  }

  async create(
    owner: string | undefined,
    url: string,
    events?: WebhookEventType[],
  ): Promise<WebhookEndpoint> {
    checkWebhookUrl(url, "body.url");
    const endpoint: WebhookEndpoint = {
      id: newWebhookId("wh"),
      url,
      events: [...new Set(events ?? WEBHOOK_EVENT_TYPES)],
      secret: newWebhookSecret(),
      createdAt: this.#options.now(),
      ...(owner !== undefined && { owner }),
    };
    if (!(await this.#store.addEndpoint(endpoint, this.#options.maxPerOwner))) {
      throw new ApiError(
        "webhook_limit_reached",
        `At most ${this.#options.maxPerOwner} webhook endpoints may be registered; delete one first`,
      );
    }
    return endpoint;
  }

  /** The owner's endpoints, oldest first. */
  async list(owner: string | undefined): Promise<WebhookEndpoint[]> {
    return this.#store.endpoints(owner ?? "");
  }

  /** 404 `webhook_not_found` when there is none or `owner` may not see it. */
  async get(id: string, owner: string | undefined): Promise<WebhookEndpoint> {
    const endpoint = ENDPOINT_ID_PATTERN.test(id) ? await this.#store.endpoint(id) : undefined;
    if (endpoint === undefined || (endpoint.owner ?? "") !== (owner ?? "")) {
      throw new ApiError("webhook_not_found", `No webhook endpoint with id ${JSON.stringify(id)}`);
    }
    return endpoint;
  }

  async delete(id: string, owner: string | undefined): Promise<WebhookEndpoint> {
    const endpoint = await this.get(id, owner);
    await this.#store.deleteEndpoint(id);
    return endpoint;
  }

  /** Whether `id` is still registered (a retry to a deleted endpoint is dropped). */
  async has(id: string): Promise<boolean> {
    return (await this.#store.endpoint(id)) !== undefined;
  }

  /** The secret that signs the owner's `callbackUrl` deliveries, made on first use. */
  async callbackSecret(owner: string | undefined): Promise<string> {
    return (
      this.#options.callbackSecret ?? this.#store.callbackSecret(owner ?? "", newWebhookSecret())
    );
  }

  /** A signer for a secret, built once. */
  signerFor(secret: string): Webhook {
    let signer = this.#signers.get(secret);
    if (signer === undefined) {
      signer = new Webhook(secret);
      this.#signers.set(secret, signer);
      if (this.#signers.size > MAX_SIGNERS) {
        this.#signers.delete(this.#signers.keys().next().value!);
      }
    }
    return signer;
  }
}
