/**
 * One session of the control queue that this instance keeps: accepted (retrying while another receiver
 * briefly holds it), its lock renewed by the SDK, its messages handed to a callback, and accepted again when
 * its lock is lost, until `close()` releases it at once.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusSessionReceiver } from "@azure/service-bus";
import type { ApiLogger } from "../logger.js";
import { serviceBusCodeOf } from "../servicebus/service-bus-errors.js";
import { KEEP_RENEWING_FOR_IN_MS } from "../servicebus/lock-renewal.js";

/** Options of {@link KeptSession}. */
export interface KeptSessionOptions {
  readonly client: Pick<ServiceBusClient, "acceptSession">;
  readonly queueName: string;
  readonly sessionId: string;
  /** Handles one message; must settle it and must not throw. */
  readonly onMessage: (message: ServiceBusReceivedMessage, receiver: ServiceBusSessionReceiver) => Promise<void>;
  /** Messages handled at once. */
  readonly maxConcurrentCalls: number;
  /** Waits between attempts to accept, growing from the first to the last. */
  readonly retryDelaysInMs: readonly number[];
  /** How often the receiver is checked for having been closed under us (lost lock, lost connection). */
  readonly livenessCheckIntervalInMs: number;
  /**
   * Longest wait for Service Bus to confirm a release. The SDK waits for the detach without limit, so with
   * the connection cut (a partition) a close would never end; the lock then simply expires.
   */
  readonly closeWaitInMs: number;
  readonly logger: ApiLogger;
}

/** Service Bus codes after which accepting again may succeed. */
const RETRYABLE = new Set(["SessionCannotBeLocked", "SessionLockLost", "ServiceBusy", "ServiceTimeout", "ServiceCommunicationProblem"]);

/** A control session kept by this instance. */
export class KeptSession {
  private receiver: ServiceBusSessionReceiver | undefined;
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private readonly firstAccepted: Promise<void>;

  constructor(private readonly options: KeptSessionOptions) {
    let accepted!: () => void;
    let failed!: (error: unknown) => void;
    this.firstAccepted = new Promise<void>((resolve, reject) => {
      accepted = resolve;
      failed = reject;
    });
    // Callers that do not wait for the first accept must not see an unhandled rejection.
    this.firstAccepted.catch(() => undefined);
    void this.keep(accepted, failed);
  }

  /**
   * Resolves once the session is first accepted. Rejects when the session is closed first, or when accepting
   * fails for a reason that waiting does not fix (no such queue, a queue without sessions).
   */
  accepted(): Promise<void> {
    return this.firstAccepted;
  }

  /** Whether the session is held right now. */
  get isHeld(): boolean {
    return this.receiver !== undefined && !this.receiver.isClosed;
  }

  /** Stops keeping the session and releases it at once. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp?.();
    const receiver = this.receiver;
    this.receiver = undefined;
    if (!receiver) return;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.closeWaitInMs);
    });
    await Promise.race([receiver.close().catch(() => undefined), gaveUp]);
    clearTimeout(timer);
  }

  private async keep(accepted: () => void, failed: (error: unknown) => void): Promise<void> {
    const { logger, sessionId } = this.options;
    let attempt = 0;
    while (!this.closed) {
      let receiver: ServiceBusSessionReceiver;
      try {
        receiver = await this.options.client.acceptSession(this.options.queueName, sessionId, {
          receiveMode: "peekLock",
          skipParsingBodyAsJson: true,
          maxAutoLockRenewalDurationInMs: KEEP_RENEWING_FOR_IN_MS,
        });
      } catch (error) {
        const code = serviceBusCodeOf(error);
        if (this.closed) break;
        if (!code || !RETRYABLE.has(code)) {
          logger.error({ sessionId, code: code ?? "unknown" }, "control session cannot be accepted");
          failed(error);
          return;
        }
        await this.sleep(this.options.retryDelaysInMs[Math.min(attempt, this.options.retryDelaysInMs.length - 1)] ?? 1_000);
        attempt += 1;
        continue;
      }
      if (this.closed) {
        this.receiver = receiver;
        await this.close();
        break;
      }
      attempt = 0;
      this.receiver = receiver;
      accepted();
      await this.receiveUntilLost(receiver);
      if (!this.closed) logger.warn({ sessionId }, "control session lost; accepting it again");
    }
    failed(new Error(`The control session was closed before it was accepted.`));
  }

  /** Hands messages to `onMessage` until the receiver is closed (by us, or by a lost lock or connection). */
  private receiveUntilLost(receiver: ServiceBusSessionReceiver): Promise<void> {
    return new Promise<void>((lost) => {
      const check = (): void => {
        if (!receiver.isClosed && !this.closed) return;
        clearInterval(timer);
        lost();
      };
      const timer = setInterval(check, this.options.livenessCheckIntervalInMs);
      timer.unref();
      this.wakeUp = check;
      receiver.subscribe(
        {
          // A throw would make the SDK abandon the message, and a request could then run twice.
          processMessage: (message) =>
            this.options.onMessage(message, receiver).catch((error: unknown) => {
              this.options.logger.error({ sessionId: this.options.sessionId, code: serviceBusCodeOf(error) ?? "unknown" }, "control message handling failed");
            }),
          processError: async ({ error }) => {
            this.options.logger.debug({ sessionId: this.options.sessionId, code: serviceBusCodeOf(error) ?? "unknown" }, "control session receiver error");
            // The SDK closes the link after reporting a lost lock; look again once it has.
            setImmediate(check);
          },
        },
        { autoCompleteMessages: false, maxConcurrentCalls: this.options.maxConcurrentCalls },
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
