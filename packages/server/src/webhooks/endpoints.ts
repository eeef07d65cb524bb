import { Webhook } from "standardwebhooks";
import { ApiError } from "../errors.js";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./event-types.js";
import { ENDPOINT_ID_PATTERN, newWebhookId } from "./ids.js";
import { newWebhookSecret } from "./secret.js";
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
  /** Most endpoints per owner. */
  maxPerOwner: number;
  /** Signs every owner's `callbackUrl` deliveries; without it each owner gets a random one. */
  callbackSecret?: string | undefined;
}

/**
 * Endpoints and callback secrets, per owner (one owner with auth off), in memory. Another
 * owner's endpoint is "not found", as jobs are.
 */
export class WebhookEndpoints {
  readonly #options: WebhookEndpointsOptions;
  readonly #byId = new Map<string, WebhookEndpoint>();
  readonly #byOwner = new Map<string, Map<string, WebhookEndpoint>>();
  readonly #callbackSecrets = new Map<string, string>();
  readonly #signers = new WeakMap<object, Webhook>();
  readonly #callbackSigners = new Map<string, Webhook>();

  constructor(options: WebhookEndpointsOptions) {
    this.#options = options;
  }

  create(owner: string | undefined, url: string, events?: WebhookEventType[]): WebhookEndpoint {
    checkWebhookUrl(url, "body.url");
    const mine = this.#mine(owner);
    if (mine.size >= this.#options.maxPerOwner) {
      throw new ApiError(
        "webhook_limit_reached",
        `At most ${this.#options.maxPerOwner} webhook endpoints may be registered; delete one first`,
      );
    }
    const endpoint: WebhookEndpoint = {
      id: newWebhookId("wh"),
      url,
      events: [...new Set(events ?? WEBHOOK_EVENT_TYPES)],
      secret: newWebhookSecret(),
      createdAt: this.#options.now(),
      ...(owner !== undefined && { owner }),
    };
    mine.set(endpoint.id, endpoint);
    this.#byId.set(endpoint.id, endpoint);
    return endpoint;
  }

  /** The owner's endpoints, oldest first. */
  list(owner: string | undefined): WebhookEndpoint[] {
    return [...(this.#byOwner.get(owner ?? "")?.values() ?? [])];
  }

  /** 404 `webhook_not_found` when there is none or `owner` may not see it. */
  get(id: string, owner: string | undefined): WebhookEndpoint {
    const endpoint = ENDPOINT_ID_PATTERN.test(id) ? this.#byId.get(id) : undefined;
    if (endpoint === undefined || (endpoint.owner ?? "") !== (owner ?? "")) {
      throw new ApiError("webhook_not_found", `No webhook endpoint with id ${JSON.stringify(id)}`);
    }
    return endpoint;
  }

  delete(id: string, owner: string | undefined): WebhookEndpoint {
    const endpoint = this.get(id, owner);
    this.#byId.delete(id);
    this.#byOwner.get(owner ?? "")?.delete(id);
    return endpoint;
  }

  /** Whether `id` is still registered (a retry to a deleted endpoint is dropped). */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The secret that signs the owner's `callbackUrl` deliveries, made on first use. */
  callbackSecret(owner: string | undefined): string {
    const fixed = this.#options.callbackSecret;
    if (fixed !== undefined) return fixed;
    const scope = owner ?? "";
    let secret = this.#callbackSecrets.get(scope);
    if (secret === undefined) {
      secret = newWebhookSecret();
      this.#callbackSecrets.set(scope, secret);
    }
    return secret;
  }

  /** A signer for an endpoint's secret, built once. */
  signerFor(endpoint: WebhookEndpoint): Webhook {
    let signer = this.#signers.get(endpoint);
    if (signer === undefined) {
      signer = new Webhook(endpoint.secret);
      this.#signers.set(endpoint, signer);
    }
    return signer;
  }

  /** A signer for the owner's callback secret, built once. */
  callbackSignerFor(owner: string | undefined): Webhook {
    const secret = this.callbackSecret(owner);
    let signer = this.#callbackSigners.get(secret);
    if (signer === undefined) {
      signer = new Webhook(secret);
      this.#callbackSigners.set(secret, signer);
    }
    return signer;
  }

  #mine(owner: string | undefined): Map<string, WebhookEndpoint> {
    const scope = owner ?? "";
    let mine = this.#byOwner.get(scope);
    if (mine === undefined) {
      mine = new Map();
      this.#byOwner.set(scope, mine);
    }
    return mine;
  }
}
