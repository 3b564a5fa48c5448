/**
 * The caller's end of routing: forwards a call to the instance that holds a route session and waits, at
 * most until the call's deadline, for the answer on this instance's own reply session.
 */
import { randomUUID } from "node:crypto";
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusSender, ServiceBusSessionReceiver } from "@azure/service-bus";
import type { ApiLogger } from "../logger.js";
import { silentLogger } from "../logger.js";
import { serviceBusCodeOf } from "../servicebus/service-bus-errors.js";
import type { ControlQueueOptions } from "./control-queue.js";
import {
  DEFAULT_ACCEPT_RETRY_DELAYS_IN_MS,
  DEFAULT_CLOSE_WAIT_IN_MS,
  DEFAULT_CALL_DEADLINE_IN_MS,
  DEFAULT_CONTROL_QUEUE,
  DEFAULT_LIVENESS_CHECK_INTERVAL_IN_MS,
} from "./control-queue.js";
import { KeptSession } from "./kept-session.js";
import type { JsonValue, RouteReply } from "./route-messages.js";
import { decodeReply, encodeRequest } from "./route-messages.js";
import { errorOfProblem } from "./route-problem.js";
import { replySessionId } from "./route-session-id.js";

/** A forwarded call got no answer before its deadline: the holder died, or nobody serves the route. */
export class RouteCallTimeoutError extends Error {
  override readonly name = "RouteCallTimeoutError";

  constructor(
    readonly operation: string,
    readonly deadlineInMs: number,
  ) {
    super(`The forwarded call ${operation} got no answer within ${deadlineInMs} ms.`);
  }
}

/** Type guard by `name`, so it holds across module copies. */
export function isRouteCallTimeoutError(value: unknown): value is RouteCallTimeoutError {
  return value instanceof Error && value.name === "RouteCallTimeoutError";
}

/** Options of {@link RouteClient}. */
export interface RouteClientOptions extends ControlQueueOptions {
  /** This instance's id, naming its reply session. A fresh one (from `newId`) by default. */
  instanceId?: string;
  /** New ids for instances and calls; `randomUUID` by default. */
  newId?: () => string;
  /** How long a call waits for its answer unless it says otherwise. Default 5 s. */
  deadlineInMs?: number;
  /** Replies handled at once. Default 16. */
  maxConcurrentReplies?: number;
}

/** Options of one call. */
export interface RouteCallOptions {
  deadlineInMs?: number;
}

/** The reason a refused reply is dead-lettered with. */
export const MALFORMED_REPLY_REASON = "MalformedRouteReply";

interface PendingCall {
  readonly resolve: (result: JsonValue) => void;
  readonly reject: (error: unknown) => void;
}

/** Forwards calls to route sessions and receives their answers. */
export class RouteClient {
  /** This instance's id. */
  readonly instanceId: string;
  /** The session this instance receives its answers on. */
  readonly replySessionId: string;
  private readonly client: Pick<ServiceBusClient, "acceptSession" | "createSender">;
  private readonly queueName: string;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly logger: ApiLogger;
  private readonly deadlineInMs: number;
  private readonly pending = new Map<string, PendingCall>();
  private readonly sender: ServiceBusSender;
  private readonly replies: KeptSession;
  private closed = false;

  /** Starts receiving on this instance's reply session; {@link started} tells when it is accepted. */
  constructor(client: Pick<ServiceBusClient, "acceptSession" | "createSender">, options: RouteClientOptions = {}) {
    this.client = client;
    this.queueName = options.queueName ?? DEFAULT_CONTROL_QUEUE;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.logger = options.logger ?? silentLogger();
    this.deadlineInMs = options.deadlineInMs ?? DEFAULT_CALL_DEADLINE_IN_MS;
    this.instanceId = options.instanceId ?? this.newId();
    this.replySessionId = replySessionId(this.instanceId);
    this.sender = this.client.createSender(this.queueName);
    this.replies = new KeptSession({
      client: this.client,
      queueName: this.queueName,
      sessionId: this.replySessionId,
      onMessage: (message, receiver) => this.onReply(message, receiver),
      maxConcurrentCalls: options.maxConcurrentReplies ?? 16,
      retryDelaysInMs: options.acceptRetryDelaysInMs ?? DEFAULT_ACCEPT_RETRY_DELAYS_IN_MS,
      livenessCheckIntervalInMs: options.livenessCheckIntervalInMs ?? DEFAULT_LIVENESS_CHECK_INTERVAL_IN_MS,
      closeWaitInMs: options.closeWaitInMs ?? DEFAULT_CLOSE_WAIT_IN_MS,
      logger: this.logger,
    });
  }

  /**
   * Resolves once the reply session is accepted; rejects when the control queue cannot be used (missing, or
   * without sessions). Calls made before it resolves still get their answers, once it does.
   */
  started(): Promise<void> {
    return this.replies.accepted();
  }

  /**
   * Runs `operation` on the instance that holds `routeSessionId`. Resolves with its result; rejects with the
   * ProblemError its handler answered, with a {@link RouteCallTimeoutError} when no answer came before the
   * deadline, or with the Service Bus error that kept the request from being sent.
   */
  call(routeSessionId: string, operation: string, args: JsonValue, options: RouteCallOptions = {}): Promise<JsonValue> {
    if (this.closed) return Promise.reject(new Error("The route client is closed."));
    const deadlineInMs = options.deadlineInMs ?? this.deadlineInMs;
    const callId = this.newId();
    const deadline = this.now() + deadlineInMs;
    return new Promise<JsonValue>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(callId)) return;
        reject(new RouteCallTimeoutError(operation, deadlineInMs));
      }, deadlineInMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.pending.delete(callId);
      };
      this.pending.set(callId, {
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      const request = encodeRequest({ callId, replyToSessionId: this.replySessionId, operation, args, deadline }, routeSessionId, deadlineInMs);
      this.sender.sendMessages(request).catch((error: unknown) => this.pending.get(callId)?.reject(error));
    });
  }

  /** Calls waiting for their answer. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Releases the reply session; calls still waiting reject with a timeout at once. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [, call] of this.pending) call.reject(new RouteCallTimeoutError("(closed)", 0));
    await this.replies.close();
    await this.sender.close().catch(() => undefined);
  }

  private async onReply(message: ServiceBusReceivedMessage, receiver: ServiceBusSessionReceiver): Promise<void> {
    const decoded = decodeReply(message);
    if (!decoded.ok) {
      this.logger.warn({ sessionId: receiver.sessionId, reason: decoded.reason }, "malformed control message dead-lettered");
      await receiver
        .deadLetterMessage(message, { deadLetterReason: MALFORMED_REPLY_REASON, deadLetterErrorDescription: decoded.reason })
        .catch((error: unknown) => this.logSettleFailure(error));
      return;
    }
    // Answered first, completed after (a reply seen twice finds nobody waiting the second time); completed
    // whether or not anyone still waits: a reply to a timed-out call is dropped.
    this.deliver(decoded.value);
    await receiver.completeMessage(message).catch((error: unknown) => this.logSettleFailure(error));
  }

  private deliver(reply: RouteReply): void {
    const call = this.pending.get(reply.callId);
    if (!call) {
      this.logger.debug({ callId: reply.callId }, "reply to a call no longer waiting dropped");
      return;
    }
    if (reply.ok) call.resolve(reply.result);
    else call.reject(errorOfProblem(reply.problem));
  }

  private logSettleFailure(error: unknown): void {
    this.logger.warn({ sessionId: this.replySessionId, code: serviceBusCodeOf(error) ?? "unknown" }, "control message not settled");
  }
}
