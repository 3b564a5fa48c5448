/**
 * The long-running part of webhooks on each instance: every instance serves every subscription (competing
 * consumers on the entity, so each message goes to one instance). It reads the registry every few seconds,
 * starts a {@link DeliveryWorker} for each subscription it does not run yet and stops those that were deleted or
 * whose flow is gone, and adds what its workers did since the last read to the subscription's counts.
 * Stopping drains the deliveries in flight before the last counts are written.
 */
import { createHash } from "node:crypto";
import type { ReceivableEntity } from "../contract/entity.js";
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import type { ApiLogger } from "../logger.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";
import type { CallbackSeal } from "./callback-seal.js";
import { DeliveryWorker } from "./delivery-worker.js";
import type { PushResult } from "./delivery-worker.js";
import type { RegistryState, WebhookCounts, WebhookRecord, WebhookRegistry } from "./webhook-registry.js";

/**
 * How logs name a subscription: a fingerprint of its id, never the id itself, which authorises deleting the
 * subscription.
 */
export function webhookLogRef(id: string): string {
  return createHash("sha256").update(id, "utf8").digest("hex").slice(0, 12);
}

/** Pushes one message to a callback URL (the guarded callback client). */
export type PushToCallback = (callbackUrl: string, message: ReceivedMessageJson, signal: AbortSignal) => Promise<PushResult>;

/** Options of {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  registry: WebhookRegistry;
  messaging: MessagingPort;
  seal: CallbackSeal;
  push: PushToCallback;
  /** Turns a received message into what is pushed (typed by the subscription's event type). */
  prepare: (message: ReceivedMessageJson, record: WebhookRecord) => ReceivedMessageJson;
  logger: ApiLogger;
  /** How often the registry is read. Default 5 s. */
  pollIntervalInMs?: number;
  /** Passed to each worker (tests shorten waits). */
  worker?: { receiveWaitInMs?: number; firstBackoffInMs?: number; sessionIdleInMs?: number };
  now?: () => Date;
}

/** What this instance's workers did since the counts were last written. */
interface PendingCounts {
  delivered: number;
  failed: number;
  lastDeliveryAt?: string;
  lastFailure?: WebhookCounts["lastFailure"];
  gone?: string;
}

interface Running {
  worker: DeliveryWorker;
  /** The records' `createdAt`: a subscription deleted and made again under the same id is another one. */
  createdAt: string;
}

/** Runs this instance's share of every webhook subscription. */
export class WebhookDispatcher {
  private readonly options: WebhookDispatcherOptions;
  private readonly running = new Map<string, Running>();
  private readonly pending = new Map<string, PendingCounts>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: WebhookDispatcherOptions) {
    this.options = options;
  }

  /** Reads the registry now and then every poll interval. */
  start(): void {
    const every = this.options.pollIntervalInMs ?? 5_000;
    const tick = (): void => {
      this.timer = setTimeout(() => {
        void this.refresh().finally(() => {
          if (!this.stopped) tick();
        });
      }, every);
      this.timer.unref();
    };
    void this.refresh().finally(() => {
      if (!this.stopped) tick();
    });
  }

  /** Reads the registry and brings the workers in line with it (one read at a time). */
  refresh(): Promise<void> {
    this.syncing = this.syncing.then(() => this.sync()).catch((error: unknown) => this.logFailure(error));
    return this.syncing;
  }

  /** How many subscriptions this instance delivers now. */
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Stops reading the registry, drains every worker (the deliveries in flight, not the receives waiting for a
   * message: closing the messaging port next ends those), and writes the last counts.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.syncing;
    const workers = [...this.running.values()].map((each) => each.worker);
    this.running.clear();
    await Promise.allSettled(workers.map((worker) => worker.drain()));
    if (this.pending.size === 0) return;
    await this.writeCounts().catch((error: unknown) => this.logFailure(error));
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    const state = await this.writeCounts();
    const live = new Map(Object.entries(state.subscriptions).filter(([, record]) => record.counts.goneAt === undefined));
    for (const [id, running] of this.running) {
      if (live.get(id)?.createdAt !== running.createdAt) {
        this.running.delete(id);
        void running.worker.stop();
      }
    }
    for (const [id, record] of live) {
      if (!this.running.has(id) && !this.stopped) this.run(record);
    }
  }

  /**
   * Adds this instance's counts to the registry and resolves to its state. The counts added are forgotten only
   * once the state is written: a failed write leaves them for the next one.
   */
  private async writeCounts(): Promise<RegistryState> {
    const { state, added } = await this.options.registry.update((current) => this.withCounts(current));
    this.forget(added);
    return state;
  }

  /** The state with this instance's counts added (undefined state when there is nothing to add), and what was added. */
  private withCounts(state: RegistryState): { state?: RegistryState; result: { state: RegistryState; added: Map<string, PendingCounts> } } {
    const added = new Map<string, PendingCounts>();
    if (this.pending.size === 0) return { result: { state, added } };
    const subscriptions = { ...state.subscriptions };
    for (const [id, counts] of this.pending) {
      // Counts of a subscription deleted meanwhile are added to nothing, and forgotten too.
      added.set(id, { ...counts });
      const record = subscriptions[id];
      if (!record) continue;
      subscriptions[id] = {
        ...record,
        counts: {
          ...record.counts,
          delivered: record.counts.delivered + counts.delivered,
          failed: record.counts.failed + counts.failed,
          ...(counts.lastDeliveryAt === undefined ? {} : { lastDeliveryAt: counts.lastDeliveryAt }),
          ...(counts.lastFailure === undefined ? {} : { lastFailure: counts.lastFailure }),
          ...(counts.gone === undefined ? {} : { goneAt: counts.gone }),
        },
      };
    }
    const next = { subscriptions };
    return { state: next, result: { state: next, added } };
  }

  /** Takes written counts off the pending ones (workers may have added more while the state was written). */
  private forget(added: Map<string, PendingCounts>): void {
    for (const [id, written] of added) {
      const entry = this.pending.get(id);
      if (!entry) continue;
      entry.delivered -= written.delivered;
      entry.failed -= written.failed;
      if (entry.lastDeliveryAt === written.lastDeliveryAt) delete entry.lastDeliveryAt;
      if (entry.lastFailure === written.lastFailure) delete entry.lastFailure;
      if (entry.gone === written.gone) delete entry.gone;
      const nothingLeft =
        entry.delivered === 0 && entry.failed === 0 && entry.lastDeliveryAt === undefined && entry.lastFailure === undefined && entry.gone === undefined;
      if (nothingLeft) this.pending.delete(id);
    }
  }

  private run(record: WebhookRecord): void {
    const { messaging, seal, push, prepare, logger } = this.options;
    let callbackUrl: string;
    try {
      callbackUrl = seal.open(record.sealedCallback, record.id);
    } catch {
      logger.error({ webhook: webhookLogRef(record.id) }, "webhook subscription not served: its callback URL does not open with this instance's callback key");
      return;
    }
    const source: ReceivableEntity = { ...record.source, subQueue: "main" };
    const now = () => (this.options.now ?? (() => new Date()))().toISOString();
    const counts = (): PendingCounts => {
      let entry = this.pending.get(record.id);
      if (!entry) {
        entry = { delivered: 0, failed: 0 };
        this.pending.set(record.id, entry);
      }
      return entry;
    };
    const worker = new DeliveryWorker({
      messaging,
      source,
      sessions: "detect",
      push: (message, signal) => push(callbackUrl, prepare(message, record), signal),
      report: {
        delivered: () => {
          const entry = counts();
          entry.delivered += 1;
          entry.lastDeliveryAt = now();
        },
        failed: (result) => {
          const entry = counts();
          entry.failed += 1;
          entry.lastFailure = { ...(result.status === undefined ? {} : { status: result.status }), reason: result.reason ?? result.outcome, at: now() };
        },
        gone: (result) => {
          counts().gone = now();
          logger.warn(
            { webhook: webhookLogRef(record.id), status: result.status },
            "webhook callback answered that the flow is gone: delivery stopped, messages left in the entity",
          );
        },
      },
      logger: logger.child({ webhook: webhookLogRef(record.id) }),
      maxConcurrentCalls: record.maxConcurrentCalls,
      ...this.options.worker,
    });
    this.running.set(record.id, { worker, createdAt: record.createdAt });
    worker.start();
  }

  private logFailure(error: unknown): void {
    this.options.logger.warn({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "webhook registry not read");
  }
}
