/**
 * Subscribing, reading and deleting webhook subscriptions: the callback URL is checked (callback guard) and
 * sealed, the record is written to the registry on the control queue, and this instance's dispatcher is asked to
 * read the registry at once (the others read it within their poll interval).
 */
import { randomBytes } from "node:crypto";
import type { QueueEntity, SubscriptionEntity } from "../contract/entity.js";
import { ProblemError, invalidField } from "../problems/problem-error.js";
import type { CallbackSeal } from "./callback-seal.js";
import { RegistryBusyError, RegistryFullError, RegistryStateError } from "./webhook-registry.js";
import type { RegistryState, WebhookRecord, WebhookRegistry, WebhookSource } from "./webhook-registry.js";

/** Checks a callback URL before it is stored: the reason it is refused, or undefined when it may be used. */
export type CheckCallbackUrl = (url: string) => Promise<string | undefined>;

/** Options of {@link WebhookSubscriptions}. */
export interface WebhookSubscriptionsOptions {
  registry: WebhookRegistry;
  seal: CallbackSeal;
  checkCallbackUrl: CheckCallbackUrl;
  /** This instance's dispatcher, told to read the registry after a change. */
  dispatcher?: { refresh(): Promise<void> };
  now?: () => Date;
}

/** What a subscribe names. */
export interface SubscribeRequest {
  source: QueueEntity | SubscriptionEntity;
  callbackUrl: string;
  eventType?: string;
  maxConcurrentCalls: number;
  /** The API key (or identity) name of the caller. */
  createdBy: string;
}

/** The webhook subscriptions of the API, kept in Service Bus. */
export class WebhookSubscriptions {
  constructor(private readonly options: WebhookSubscriptionsOptions) {}

  /** Checks and stores a subscription; resolves to its record (with the URL sealed). */
  async subscribe({ source, callbackUrl, eventType, maxConcurrentCalls, createdBy }: SubscribeRequest): Promise<WebhookRecord> {
    const refused = await this.options.checkCallbackUrl(callbackUrl);
    if (refused !== undefined) throw invalidField("body", "/callbackUrl", refused);
    // 32 random bytes: the id is the capability that deletes the subscription.
    const id = randomBytes(32).toString("base64url");
    const record: WebhookRecord = {
      id,
      source: sourceOf(source),
      ...(eventType === undefined ? {} : { eventType }),
      maxConcurrentCalls,
      sealedCallback: this.options.seal.seal(callbackUrl, id),
      createdBy,
      createdAt: (this.options.now ?? (() => new Date()))().toISOString(),
      counts: { delivered: 0, failed: 0 },
    };
    await this.change((state) => ({ state: { subscriptions: { ...state.subscriptions, [id]: record } }, result: undefined }));
    await this.options.dispatcher?.refresh();
    return record;
  }

  /** The subscription of this entity with this id, if there is one. */
  async get(source: QueueEntity | SubscriptionEntity, id: string): Promise<WebhookRecord | undefined> {
    const record = await this.change((state): { result: WebhookRecord | undefined } => ({ result: state.subscriptions[id] }));
    return record && sameSource(record.source, sourceOf(source)) ? record : undefined;
  }

  /** Deletes the subscription of this entity with this id; resolves to whether there was one. */
  async delete(source: QueueEntity | SubscriptionEntity, id: string): Promise<boolean> {
    const removed = await this.change((state) => {
      const record = state.subscriptions[id];
      if (!record || !sameSource(record.source, sourceOf(source))) return { result: false };
      const { [id]: _deleted, ...rest } = state.subscriptions;
      return { state: { subscriptions: rest }, result: true };
    });
    if (removed) await this.options.dispatcher?.refresh();
    return removed;
  }

  /** A registry change, its failures as problems of the table. */
  private async change<T>(change: (state: RegistryState) => { state?: RegistryState; result: T }): Promise<T> {
    try {
      return await this.options.registry.update(change);
    } catch (error) {
      if (error instanceof RegistryFullError) {
        throw new ProblemError("QuotaExceeded", { detail: "The API holds as many webhook subscriptions as it can store; delete unused ones.", cause: error });
      }
      if (error instanceof RegistryBusyError) throw new ProblemError("ServiceBusy", { cause: error });
      if (error instanceof RegistryStateError) throw new ProblemError("InternalError", { cause: error });
      throw error;
    }
  }
}

/** The name an entity is shown with: `orders`, or `topic/subscription`. */
export function webhookEntityName(source: WebhookSource): string {
  return source.kind === "queue" ? source.queue : `${source.topic}/${source.subscription}`;
}

function sourceOf(entity: QueueEntity | SubscriptionEntity): WebhookSource {
  return entity.kind === "queue" ? { kind: "queue", queue: entity.queue } : { kind: "subscription", topic: entity.topic, subscription: entity.subscription };
}

function sameSource(a: WebhookSource, b: WebhookSource): boolean {
  return webhookEntityName(a).toLowerCase() === webhookEntityName(b).toLowerCase() && a.kind === b.kind;
}
