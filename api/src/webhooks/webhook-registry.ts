/**
 * The webhook subscriptions of all instances, kept in Service Bus itself: the session state of one session
 * (`webhooks:registry`) on the control queue. Nothing else is shared between instances.
 *
 * Every change is a read-modify-write under the session's lock, which Service Bus gives to one receiver at a
 * time, so concurrent changes from several instances never lose one another. Reads take the lock for a moment
 * too (Service Bus reads session state only through a receiver holding the session). The state is JSON
 * `{ v: 1, subscriptions: { <id>: record } }`; records hold callback URLs only sealed (callback-seal.ts).
 */
import type { ServiceBusClient, ServiceBusSessionReceiver } from "@azure/service-bus";
import { serviceBusCodeOf } from "../servicebus/service-bus-errors.js";

/** The session of the control queue whose state is the registry. */
export const REGISTRY_SESSION_ID = "webhooks:registry";

/** The format version this code writes and reads. */
export const REGISTRY_VERSION = 1;

/**
 * The largest registry this code writes, in bytes of JSON: well inside the smallest session state Service Bus
 * allows (256 KB on the Standard tier), about 400 subscriptions.
 */
export const MAX_REGISTRY_BYTES = 192 * 1024;

/** Where a webhook subscription takes its messages from. */
export type WebhookSource = { kind: "queue"; queue: string } | { kind: "subscription"; topic: string; subscription: string };

/** A failed delivery, as the subscription's state shows it. */
export interface WebhookFailure {
  /** The callback's HTTP status; absent for a time-out or a connection error. */
  status?: number;
  /** What went wrong, without the URL. */
  reason: string;
  /** ISO 8601. */
  at: string;
}

/** What deliveries did, summed over every instance. */
export interface WebhookCounts {
  delivered: number;
  failed: number;
  lastDeliveryAt?: string;
  lastFailure?: WebhookFailure;
  /** When a callback answered 404 or 410 (the flow is gone): no instance delivers to it any more. ISO 8601. */
  goneAt?: string;
}

/** One webhook subscription: a flow's trigger on a queue or topic subscription. */
export interface WebhookRecord {
  /** The unguessable id that the subscription's Location URL carries (its capability). */
  id: string;
  source: WebhookSource;
  /** The event type pushed messages are typed with, if the trigger chose one. */
  eventType?: string;
  /** Deliveries in flight at once, per instance. */
  maxConcurrentCalls: number;
  /** The callback URL, sealed with the callback key for this id. */
  sealedCallback: string;
  /** The API key (or identity) name that subscribed, for people reading the state. */
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
  counts: WebhookCounts;
}

/** The registry's state. */
export interface RegistryState {
  subscriptions: Record<string, WebhookRecord>;
}

/** The registry's state cannot be read: written by a newer version, or damaged. It is never overwritten then. */
export class RegistryStateError extends Error {
  override readonly name = "RegistryStateError";
}

/** A change would make the registry larger than {@link MAX_REGISTRY_BYTES}. */
export class RegistryFullError extends Error {
  override readonly name = "RegistryFullError";
}

/** The registry's lock could not be had in time: other instances kept it, or Service Bus did not answer. */
export class RegistryBusyError extends Error {
  override readonly name = "RegistryBusyError";
}

/** Options of {@link WebhookRegistry}. */
export interface WebhookRegistryOptions {
  /** The control queue (`bridge-control` by default at the caller). */
  queueName: string;
  /** How long a read or change waits for the registry's lock. Default 10 s. */
  lockWaitInMs?: number;
  /** Waits between attempts while another instance holds the lock (with jitter). */
  retryDelaysInMs?: readonly number[];
}

/** A change: the new state (undefined to leave it as it is) and what the change answers. */
export type RegistryChange<T> = (state: RegistryState) => { state?: RegistryState; result: T };

const DEFAULT_RETRY_DELAYS_IN_MS: readonly number[] = [25, 50, 100, 200, 400];

/** The registry of webhook subscriptions on the control queue. */
export class WebhookRegistry {
  private readonly client: Pick<ServiceBusClient, "acceptSession">;
  private readonly queueName: string;
  private readonly lockWaitInMs: number;
  private readonly retryDelaysInMs: readonly number[];

  constructor(client: Pick<ServiceBusClient, "acceptSession">, options: WebhookRegistryOptions) {
    this.client = client;
    this.queueName = options.queueName;
    this.lockWaitInMs = options.lockWaitInMs ?? 10_000;
    this.retryDelaysInMs = options.retryDelaysInMs ?? DEFAULT_RETRY_DELAYS_IN_MS;
  }

  /** The current state. */
  async read(): Promise<RegistryState> {
    return this.update((state) => ({ result: state }));
  }

  /**
   * Applies `change` to the current state under the registry's lock and writes the state it returns.
   * @throws RegistryStateError when the stored state cannot be read; RegistryFullError when the new state is too
   *   large; RegistryBusyError when the lock is not had within the wait; Service Bus errors otherwise.
   */
  async update<T>(change: RegistryChange<T>): Promise<T> {
    const receiver = await this.lock();
    try {
      const current = parseState(await receiver.getSessionState());
      const { state, result } = change(current);
      if (state !== undefined) {
        const text = JSON.stringify({ v: REGISTRY_VERSION, subscriptions: state.subscriptions });
        if (Buffer.byteLength(text, "utf8") > MAX_REGISTRY_BYTES) throw new RegistryFullError(`The webhook registry would pass ${MAX_REGISTRY_BYTES} bytes.`);
        await receiver.setSessionState(Buffer.from(text, "utf8"));
      }
      return result;
    } finally {
      await receiver.close().catch(() => undefined);
    }
  }

  /** Accepts the registry's session, retrying while another instance holds it, until the wait is over. */
  private async lock(): Promise<ServiceBusSessionReceiver> {
    const giveUpAt = Date.now() + this.lockWaitInMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.client.acceptSession(this.queueName, REGISTRY_SESSION_ID, { receiveMode: "peekLock", maxAutoLockRenewalDurationInMs: 0 });
      } catch (error) {
        if (serviceBusCodeOf(error) !== "SessionCannotBeLocked") throw error;
        const base = this.retryDelaysInMs[Math.min(attempt, this.retryDelaysInMs.length - 1)] ?? 100;
        const delay = base / 2 + Math.random() * base;
        if (Date.now() + delay >= giveUpAt) throw new RegistryBusyError("The webhook registry stayed locked by other instances.", { cause: error });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/**
 * Reads a stored state, as the SDK's getSessionState returns it (it parses JSON bytes itself and returns other
 * bytes as they are); no state yet is an empty registry.
 */
export function parseState(stored: unknown): RegistryState {
  if (stored === null || stored === undefined) return { subscriptions: {} };
  let parsed: unknown = stored;
  if (stored instanceof Uint8Array) {
    if (stored.byteLength === 0) return { subscriptions: {} };
    try {
      parsed = JSON.parse(Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString("utf8"));
    } catch {
      throw new RegistryStateError("The webhook registry's state is not JSON.");
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new RegistryStateError("The webhook registry's state is not an object.");
  const { v, subscriptions } = parsed as { v?: unknown; subscriptions?: unknown };
  if (v !== REGISTRY_VERSION)
    throw new RegistryStateError(`The webhook registry's state has format version ${String(v)}; this instance reads ${REGISTRY_VERSION}.`);
  if (typeof subscriptions !== "object" || subscriptions === null || Array.isArray(subscriptions)) {
    throw new RegistryStateError("The webhook registry's subscriptions are not an object.");
  }
  return { subscriptions: subscriptions as Record<string, WebhookRecord> };
}
