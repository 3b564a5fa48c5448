/**
 * The holder's end of routing: while this instance holds a data session it also holds the matching route
 * session on the control queue, runs the calls other instances forward there and answers each on the caller's
 * reply session.
 *
 * A request is completed before its handler runs, so a call runs at most once: operations such as a receive
 * are not safe to repeat (a second run would lock messages nobody gets), and a holder that dies mid-call
 * leaves the caller with the same answer as any lost lock (its deadline passes).
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusSender, ServiceBusSessionReceiver } from "@azure/service-bus";
import type { ApiLogger } from "../logger.js";
import { silentLogger } from "../logger.js";
import { serviceBusCodeOf } from "../servicebus/service-bus-errors.js";
import type { ControlQueueOptions } from "./control-queue.js";
import { DEFAULT_ACCEPT_RETRY_DELAYS_IN_MS, DEFAULT_CLOSE_WAIT_IN_MS, DEFAULT_CONTROL_QUEUE, DEFAULT_LIVENESS_CHECK_INTERVAL_IN_MS } from "./control-queue.js";
import { KeptSession } from "./kept-session.js";
import type { KeptSessionOptions } from "./kept-session.js";
import type { JsonValue, RouteReply, RouteRequest } from "./route-messages.js";
import { decodeRequest, encodeReply } from "./route-messages.js";
import { ProblemError } from "../problems/problem-error.js";
import { problemErrorsOnly, problemOfHandlerError } from "./route-problem.js";
import type { ProblemOfError } from "./route-problem.js";
import { isRouteSessionId } from "./route-session-id.js";

/** What a forwarded call carries to its handler besides the operation and arguments. */
export interface RouteCallContext {
  /** Epoch milliseconds after which the caller no longer waits. */
  readonly deadline: number;
  /** Aborted when the deadline passes. */
  readonly abortSignal: AbortSignal;
}

/** Runs one forwarded call; throws a ProblemError (or a Service Bus error) to answer a problem. */
export type RouteHandler = (operation: string, args: JsonValue, context: RouteCallContext) => Promise<JsonValue>;

/** Options of {@link RouteServer}. */
export interface RouteServerOptions extends ControlQueueOptions {
  /** Calls of one route run at once. Default 8. */
  maxConcurrentCalls?: number;
  /** Translates a handler's error into the problem its reply carries; by default only ProblemErrors keep their code. */
  problemOf?: ProblemOfError;
}

/** The reason a refused control message is dead-lettered with. */
export const MALFORMED_REQUEST_REASON = "MalformedRouteRequest";

/** Serves the route sessions of the data sessions this instance holds. */
export class RouteServer {
  private readonly client: Pick<ServiceBusClient, "acceptSession" | "createSender">;
  private readonly queueName: string;
  private readonly now: () => number;
  private readonly logger: ApiLogger;
  private readonly maxConcurrentCalls: number;
  private readonly problemOf: ProblemOfError;
  private readonly keeping: Pick<KeptSessionOptions, "retryDelaysInMs" | "livenessCheckIntervalInMs" | "closeWaitInMs">;
  private readonly routes = new Map<string, KeptSession>();
  private sender: ServiceBusSender | undefined;
  private closed = false;

  constructor(client: Pick<ServiceBusClient, "acceptSession" | "createSender">, options: RouteServerOptions = {}) {
    this.client = client;
    this.queueName = options.queueName ?? DEFAULT_CONTROL_QUEUE;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger();
    this.maxConcurrentCalls = options.maxConcurrentCalls ?? 8;
    this.problemOf = options.problemOf ?? problemErrorsOnly;
    this.keeping = {
      retryDelaysInMs: options.acceptRetryDelaysInMs ?? DEFAULT_ACCEPT_RETRY_DELAYS_IN_MS,
      livenessCheckIntervalInMs: options.livenessCheckIntervalInMs ?? DEFAULT_LIVENESS_CHECK_INTERVAL_IN_MS,
      closeWaitInMs: options.closeWaitInMs ?? DEFAULT_CLOSE_WAIT_IN_MS,
    };
  }

  /**
   * Holds route session `routeSessionId` and runs `handler` for each call forwarded to it, until
   * {@link stop} or {@link close}. Resolves once the session is accepted; while another receiver holds it (a
   * probe for a moment, or a dead holder until its lock expires) it keeps trying. Rejects when stopped first or
   * when the control queue cannot be used (missing, or without sessions).
   * @throws RangeError for an id that is not a route session id, or one already served.
   */
  serve(routeSessionId: string, handler: RouteHandler): Promise<void> {
    if (this.closed) throw new Error("The route server is closed.");
    if (!isRouteSessionId(routeSessionId)) throw new RangeError("routeSessionId must be a route session id.");
    if (this.routes.has(routeSessionId)) throw new RangeError("This route session is already served.");
    const kept = new KeptSession({
      client: this.client,
      queueName: this.queueName,
      sessionId: routeSessionId,
      onMessage: (message, receiver) => this.onRequest(message, receiver, handler),
      maxConcurrentCalls: this.maxConcurrentCalls,
      ...this.keeping,
      logger: this.logger,
    });
    this.routes.set(routeSessionId, kept);
    return kept.accepted();
  }

  /** Whether this server serves the route (it may be accepting it again after a lost lock). */
  isServing(routeSessionId: string): boolean {
    return this.routes.has(routeSessionId);
  }

  /** Stops serving a route and releases its session at once, so the data session's next holder can take it. */
  async stop(routeSessionId: string): Promise<void> {
    const kept = this.routes.get(routeSessionId);
    if (!kept) return;
    this.routes.delete(routeSessionId);
    await kept.close();
  }

  /** Stops serving every route, releasing their sessions at once. */
  async close(): Promise<void> {
    this.closed = true;
    const kept = [...this.routes.values()];
    this.routes.clear();
    await Promise.all(kept.map((each) => each.close()));
    await this.sender?.close().catch(() => undefined);
  }

  private async onRequest(message: ServiceBusReceivedMessage, receiver: ServiceBusSessionReceiver, handler: RouteHandler): Promise<void> {
    const decoded = decodeRequest(message);
    if (!decoded.ok) {
      this.logger.warn({ sessionId: receiver.sessionId, reason: decoded.reason }, "malformed control message dead-lettered");
      await receiver
        .deadLetterMessage(message, { deadLetterReason: MALFORMED_REQUEST_REASON, deadLetterErrorDescription: decoded.reason })
        .catch((error: unknown) => this.logSettleFailure(receiver, error));
      return;
    }
    const request = decoded.value;
    try {
      await receiver.completeMessage(message);
    } catch (error) {
      // The lock was lost: the request goes back to the route session's next holder, which runs it if in time.
      this.logSettleFailure(receiver, error);
      return;
    }
    if (this.now() >= request.deadline) {
      this.logger.debug({ callId: request.callId, operation: request.operation }, "expired call skipped");
      return;
    }
    const reply = await this.run(request, handler);
    const timeToLiveInMs = request.deadline - this.now();
    if (timeToLiveInMs <= 0) return;
    await this.sendReply(reply, request.replyToSessionId, timeToLiveInMs);
  }

  private async run(request: RouteRequest, handler: RouteHandler): Promise<RouteReply> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, request.deadline - this.now()));
    try {
      const result = await handler(request.operation, request.args, { deadline: request.deadline, abortSignal: abort.signal });
      return { callId: request.callId, ok: true, result: result ?? null };
    } catch (error) {
      const problem = problemOfHandlerError(error, this.problemOf);
      this.logger.debug({ callId: request.callId, operation: request.operation, code: problem.code }, "forwarded call answered a problem");
      return { callId: request.callId, ok: false, problem };
    } finally {
      clearTimeout(timer);
    }
  }

  private async sendReply(reply: RouteReply, replySessionId: string, timeToLiveInMs: number): Promise<void> {
    this.sender ??= this.client.createSender(this.queueName);
    try {
      await this.sender.sendMessages(encodeReply(reply, replySessionId, timeToLiveInMs));
    } catch (error) {
      const code = serviceBusCodeOf(error) ?? "InternalError";
      this.logger.warn({ callId: reply.callId, code }, "reply not sent");
      if (code !== "MessageSizeExceeded" || !reply.ok) return;
      // A result too large for one message (a receive of many large messages): tell the caller so, not a timeout.
      const problem = problemOfHandlerError(new ProblemError("MessageSizeExceeded", { cause: error }));
      await this.sender.sendMessages(encodeReply({ callId: reply.callId, ok: false, problem }, replySessionId, timeToLiveInMs)).catch(() => undefined);
    }
  }

  private logSettleFailure(receiver: ServiceBusSessionReceiver, error: unknown): void {
    this.logger.warn({ sessionId: receiver.sessionId, code: serviceBusCodeOf(error) ?? "unknown" }, "control message not settled");
  }
}
