import { Webhook } from "standardwebhooks";
import { ApiError } from "../errors.js";
import { ENDPOINT_ID_PATTERN, newWebhookId } from "./ids.js";
import { newWebhookSecret } from "./secret.js";
import type { WebhookStore } from "../store/webhook-store.js";
import { checkWebhookUrl } from "./url.js";

/** Most endpoints one API key (or everyone, with auth off) may register. */
export const MAX_WEBHOOKS_PER_OWNER = 20;

/**
 * The API an endpoint was registered through: it is listed and changed there only, and hears
 * that API's events. `jobs` (our `/webhooks`) is not stored, so older records read as ours.
 */
export type EndpointApi = "jobs" | "heygen-v3";

/** A registered endpoint; `secret` signs what is sent to it. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** The event types it hears; null for every event of its API (HeyGen's "all events"). */
  events: string[] | null;
  secret: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** The owner id of the API key that registered it; absent when auth is off. */
  owner?: string;
  /** Absent for our own API. */
  api?: Exclude<EndpointApi, "jobs">;
  /**
   * Scoped to one job (HeyGen's `entity_id`): it hears that job's events only, even when it was
   * registered after the job was created.
   */
  entityId?: string;
}

/** What can change on a registered endpoint. */
export type EndpointChanges = Partial<Pick<WebhookEndpoint, "url" | "events" | "secret">>;

/** What registering an endpoint takes. */
export interface NewEndpoint {
  url: string;
  events: readonly string[] | null;
  api?: EndpointApi;
  entityId?: string | undefined;
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
    { url, events, api = "jobs", entityId }: NewEndpoint,
  ): Promise<WebhookEndpoint> {
    checkWebhookUrl(url, "body.url");
    const endpoint: WebhookEndpoint = {
      id: newWebhookId("wh"),
      url,
      events: events === null ? null : [...new Set(events)],
      secret: newWebhookSecret(),
      createdAt: this.#options.now(),
      ...(owner !== undefined && { owner }),
      ...(api !== "jobs" && { api }),
      ...(entityId !== undefined && { entityId }),
    };
    if (!(await this.#store.addEndpoint(endpoint, this.#options.maxPerOwner))) {
      throw new ApiError(
        "webhook_limit_reached",
        `At most ${this.#options.maxPerOwner} webhook endpoints may be registered; delete one first`,
      );
    }
    return endpoint;
  }

  /** The owner's endpoints, oldest first: all of them, or those of one API. */
  async list(owner: string | undefined, api?: EndpointApi): Promise<WebhookEndpoint[]> {
    const all = await this.#store.endpoints(owner ?? "");
    return api === undefined ? all : all.filter((endpoint) => apiOf(endpoint) === api);
  }

  /**
   * 404 `webhook_not_found` when there is none, `owner` may not see it, or it belongs to
   * another API than `api`.
   */
  async get(id: string, owner: string | undefined, api: EndpointApi): Promise<WebhookEndpoint> {
    const endpoint = ENDPOINT_ID_PATTERN.test(id) ? await this.#store.endpoint(id) : undefined;
    if (
      endpoint === undefined ||
      (endpoint.owner ?? "") !== (owner ?? "") ||
      apiOf(endpoint) !== api
    ) {
      throw new ApiError("webhook_not_found", `No webhook endpoint with id ${JSON.stringify(id)}`);
    }
    return endpoint;
  }

  /** Changes the endpoint's URL, events or secret (a new secret signs every later attempt). */
  async update(
    id: string,
    owner: string | undefined,
    api: EndpointApi,
    changes: EndpointChanges,
  ): Promise<WebhookEndpoint> {
    await this.get(id, owner, api);
    if (changes.url !== undefined) checkWebhookUrl(changes.url, "body.url");
    const updated = await this.#store.updateEndpoint(id, changes);
    // Deleted in the meantime.
    if (updated === undefined) return this.get(id, owner, api);
    return updated;
  }

  /** Signs with a new secret from now on; the old one is forgotten at once. */
  async rotateSecret(
    id: string,
    owner: string | undefined,
    api: EndpointApi,
  ): Promise<WebhookEndpoint> {
    return this.update(id, owner, api, { secret: newWebhookSecret() });
  }

  async delete(id: string, owner: string | undefined, api: EndpointApi): Promise<WebhookEndpoint> {
    const endpoint = await this.get(id, owner, api);
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

export function apiOf(endpoint: WebhookEndpoint): EndpointApi {
  return endpoint.api ?? "jobs";
}
