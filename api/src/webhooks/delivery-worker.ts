/**
 * Delivers one webhook subscription's messages to its callback, through the same messaging port as the HTTP
 * handlers (so sessions and routing behave as for any caller). `maxConcurrentCalls` loops each receive one
 * message, push it, and settle it:
 * - the callback answered 2xx: the message is completed (at least once into the flow);
 * - it asked to retry (429, 5xx, a time-out, a connection error) or refused the message (another 4xx): the loop
 *   waits an exponential back-off with jitter (or the callback's Retry-After), then abandons the message, so
 *   Service Bus redelivers it and its own MaxDeliveryCount and dead-lettering apply;
 * - it answered 404 or 410 (the flow is gone): the message is abandoned untouched and the subscription stops.
 * While a push is slow, the message's lock is renewed. On a session-enabled entity each loop holds one session at
 * a time and pushes its messages one after the other in sequence order; loops take different sessions.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ReceivableEntity } from "../contract/entity.js";
import { lockToken as normalLockToken } from "../contract/lock-token.js";
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import type { ApiLogger } from "../logger.js";
import type { MessageLock, MessagingPort } from "../servicebus/messaging-port.js";
import { isGatewayError } from "../servicebus/gateway-error.js";
import { serviceBusCodeOf } from "../servicebus/service-bus-errors.js";

/** What a push to the callback came to. */
export interface PushResult {
  outcome: "delivered" | "retry" | "gone" | "failed";
  /** The callback's HTTP status, when it answered. */
  status?: number;
  /** How long the callback asked to wait (Retry-After). */
  retryAfterInMs?: number;
  /** What went wrong, without the URL (for the subscription's state and logs). */
  reason?: string;
}

/** Pushes one message to the subscription's callback. */
export type PushMessage = (message: ReceivedMessageJson, signal: AbortSignal) => Promise<PushResult>;

/** What a worker reports, for the subscription's counts. */
export interface DeliveryReport {
  delivered(message: ReceivedMessageJson): void;
  failed(result: PushResult): void;
  /** The callback said the flow is gone: the worker has stopped. */
  gone(result: PushResult): void;
}

/** Options of {@link DeliveryWorker}. */
export interface DeliveryWorkerOptions {
  messaging: MessagingPort;
  source: ReceivableEntity;
  /** Whether the entity requires sessions; `detect` finds out from the first receive. */
  sessions: boolean | "detect";
  push: PushMessage;
  report: DeliveryReport;
  logger: ApiLogger;
  /** Deliveries in flight at once. */
  maxConcurrentCalls: number;
  /** The longest one receive waits for a message before looking again. Default 20 s. */
  receiveWaitInMs?: number;
  /** Back-off after the first failure; doubles per failure in a row. Default 1 s. */
  firstBackoffInMs?: number;
  /** The longest back-off. Default 60 s. */
  maxBackoffInMs?: number;
  /** The longest a session is kept with no message before taking the next. Default 5 s. */
  sessionIdleInMs?: number;
}

const DEFAULT_RECEIVE_WAIT_IN_MS = 20_000;

/** Runs the delivery loops of one webhook subscription on this instance. */
export class DeliveryWorker {
  private readonly options: Required<Omit<DeliveryWorkerOptions, "logger">> & { logger: ApiLogger };
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  /** The deliveries (and releases) in progress: what {@link drain} waits for. */
  private readonly inFlight = new Set<Promise<void>>();
  private failuresInARow = 0;

  constructor(options: DeliveryWorkerOptions) {
    this.options = {
      receiveWaitInMs: DEFAULT_RECEIVE_WAIT_IN_MS,
      firstBackoffInMs: 1_000,
      maxBackoffInMs: 60_000,
      sessionIdleInMs: 5_000,
      ...options,
    };
  }

  /** Starts the loops. */
  start(): void {
    for (let index = 0; index < this.options.maxConcurrentCalls; index += 1) {
      this.loops.push(this.options.sessions === true ? this.sessionLoop() : this.plainLoop());
    }
  }

  /** Whether {@link stop} was called (or the callback said the flow is gone). */
  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Stops taking messages and waits for the loops to end: deliveries in flight settled, waiting receives over. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.loops);
  }

  /**
   * Stops taking messages and waits only for the deliveries in flight to finish and be settled, not for loops
   * that wait in a receive (up to `receiveWaitInMs`, which would hold a shutdown that long): for a shutdown, where
   * closing the messaging port next ends those receives. A message such a receive still returns is released
   * untouched, or comes back when its lock expires.
   */
  async drain(): Promise<void> {
    this.stopping.abort();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async plainLoop(): Promise<void> {
    const { messaging, source } = this.options;
    while (!this.stopped) {
      const messages = await this.guard(async () => {
        try {
          return await messaging.receiveMessages(source, { maxMessages: 1, maxWaitTimeInMs: this.options.receiveWaitInMs, receiveMode: "peekLock" });
        } catch (error) {
          if (this.options.sessions === "detect" && isGatewayError(error) && error.failure.kind === "sessionRequired") return "sessions" as const;
          throw error;
        }
      });
      if (messages === "sessions") return this.sessionLoop();
      for (const message of messages ?? []) await this.deliverOrRelease(message);
    }
  }

  private async sessionLoop(): Promise<void> {
    const { messaging, source } = this.options;
    while (!this.stopped) {
      // The next session no other receiver holds, and its first message.
      const first = await this.guard(() =>
        messaging.receiveSessionMessages(source, { sessionId: undefined, maxMessages: 1, maxWaitTimeInMs: this.options.receiveWaitInMs }),
      );
      const sessionId = first?.sessionId;
      if (sessionId === undefined) continue;
      let messages = first?.messages ?? [];
      while (messages.length > 0 && !this.stopped) {
        for (const message of messages) await this.deliverOrRelease(message);
        if (this.stopped) break;
        const next = await this.guard(() =>
          messaging.receiveSessionMessages(source, { sessionId, maxMessages: 1, maxWaitTimeInMs: this.options.sessionIdleInMs }),
        );
        messages = next?.messages ?? [];
      }
      await this.guard(() => messaging.closeSession(source, sessionId));
    }
  }

  /** A message received while stopping is released untouched (the receive was already waiting). */
  private deliverOrRelease(message: ReceivedMessageJson): Promise<void> {
    const settling = this.stopped
      ? this.guard(() => this.options.messaging.abandonMessage(this.options.source, lockOf(message))).then(() => undefined)
      : this.deliver(message);
    this.inFlight.add(settling);
    const done = (): void => {
      this.inFlight.delete(settling);
    };
    settling.then(done, done);
    return settling;
  }

  /** Pushes one message and settles it by what the callback answered. */
  private async deliver(message: ReceivedMessageJson): Promise<void> {
    const { messaging, source, report } = this.options;
    const lock = lockOf(message);
    const result = await this.pushKeepingLock(message, lock);
    if (result.outcome === "delivered") {
      this.failuresInARow = 0;
      report.delivered(message);
      await this.guard(() => messaging.completeMessage(source, lock));
      return;
    }
    if (result.outcome === "gone") {
      report.gone(result);
      this.stopping.abort();
      await this.guard(() => messaging.abandonMessage(source, lock));
      return;
    }
    report.failed(result);
    this.failuresInARow += 1;
    await this.wait(this.backoffInMs(result), lock);
    await this.guard(() => messaging.abandonMessage(source, lock));
  }

  /** The push, with the message's lock renewed at half its remaining time while the callback is slow. */
  private async pushKeepingLock(message: ReceivedMessageJson, lock: MessageLock): Promise<PushResult> {
    const abort = new AbortController();
    let renewal: NodeJS.Timeout | undefined;
    const scheduleRenewal = (lockedUntilInMs: number): void => {
      const inMs = Math.max(500, (lockedUntilInMs - Date.now()) / 2);
      renewal = setTimeout(() => {
        void this.guard(() => this.options.messaging.renewMessageLock(this.options.source, lock)).then((until) => {
          if (until && !abort.signal.aborted) scheduleRenewal(until.getTime());
        });
      }, inMs);
    };
    scheduleRenewal(message.lockedUntilUtc === undefined ? Date.now() + 30_000 : Date.parse(message.lockedUntilUtc));
    try {
      return await this.options.push(message, abort.signal);
    } catch (error) {
      return { outcome: "retry", reason: error instanceof Error ? error.name : "push failed" };
    } finally {
      abort.abort();
      clearTimeout(renewal);
    }
  }

  /** Exponential back-off with jitter (50-100 % of the step), or the callback's Retry-After when longer. */
  private backoffInMs(result: PushResult): number {
    const { firstBackoffInMs, maxBackoffInMs } = this.options;
    const step = Math.min(maxBackoffInMs, firstBackoffInMs * 2 ** Math.min(20, this.failuresInARow - 1));
    const jittered = step / 2 + (Math.random() * step) / 2;
    return Math.min(maxBackoffInMs, Math.max(jittered, result.retryAfterInMs ?? 0));
  }

  /** Waits, renewing the message's lock meanwhile, until the time passes or the worker stops. */
  private async wait(ms: number, lock: MessageLock): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopped && Date.now() < until) {
      await sleep(Math.min(until - Date.now(), 2_000), undefined, { signal: this.stopping.signal }).catch(() => undefined);
      if (Date.now() < until) await this.guard(() => this.options.messaging.renewMessageLock(this.options.source, lock));
    }
  }

  /**
   * Runs a port call; a failure (Service Bus unreachable, a lock lost meanwhile) is logged and yields undefined,
   * after a short pause when it looks like Service Bus itself is failing, so a loop never spins or dies.
   */
  private async guard<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      const code = serviceBusCodeOf(error) ?? (isGatewayError(error) ? error.failure.kind : "unknown");
      this.options.logger.warn({ code }, "webhook delivery: a Service Bus call failed");
      if (!["MessageLockLost", "SessionLockLost", "SessionCannotBeLocked", "sessionNotHeld"].includes(code)) {
        await sleep(1_000);
      }
      return undefined;
    }
  }
}

/** A received message's lock, with its session when it has one (so the settle reaches the session's holder). */
function lockOf(message: ReceivedMessageJson): MessageLock {
  return { lockToken: normalLockToken(message.lockToken ?? ""), ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }) };
}
