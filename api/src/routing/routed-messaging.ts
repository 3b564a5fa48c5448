/**
 * The messaging port of an API that runs as several instances: session calls run on the instance that holds the
 * session, whichever instance they land on. Handlers see the same port as on one instance.
 *
 * - A call for a session this instance holds runs here.
 * - A call that may take the session (receive, deferred receive, session state, peek) first tries to here; when another receiver
 *   holds it and some instance serves its route session, the call is forwarded there (route-client.ts).
 * - A call that needs the session held (settle, renew, close) is forwarded when some instance serves the route,
 *   and otherwise answered here, as one instance would.
 * - Whenever this instance comes to hold a session it serves the session's route (route-server.ts) until it
 *   releases the session, so that other instances' calls reach it.
 * - A forwarded call that gets no answer before its deadline (the holder died) is answered 410 SessionLockLost.
 *
 * When the control queue cannot be used (it does not exist, or has no sessions), routing is off: a warning is
 * logged and every call runs here, as before.
 */
import type { ServiceBusClient } from "@azure/service-bus";
import type { QueueEntity, ReceivableEntity, SubscriptionEntity } from "../contract/entity.js";
import type { ApiLogger } from "../logger.js";
import { entityPathOf } from "../servicebus/entity-path.js";
import { GatewayError } from "../servicebus/gateway-error.js";
import type { MessageLock, MessagingPort } from "../servicebus/messaging-port.js";
import type { ServiceBusGateway } from "../servicebus/service-bus-gateway.js";
import { serviceBusCodeOf } from "../servicebus/service-bus-errors.js";
import { DEFAULT_CALL_DEADLINE_IN_MS, DEFAULT_CONTROL_QUEUE } from "./control-queue.js";
import type { ForwardedCall, SessionSource } from "./forwarded-calls.js";
import { dateFromJson, receiveResultFromJson, runForwardedCall, sessionSourceOf, sessionStateFromJson } from "./forwarded-calls.js";
import { isRouteCallTimeoutError, RouteClient } from "./route-client.js";
import type { JsonValue } from "./route-messages.js";
import { isRouteHeld } from "./route-probe.js";
import type { ProblemOfError } from "./route-problem.js";
import { RouteServer } from "./route-server.js";
import { routeSessionId } from "./route-session-id.js";

/** Options of {@link createRoutedMessaging}. */
export interface RoutedMessagingOptions {
  /** This instance's own gateway. */
  local: ServiceBusGateway;
  /** The Service Bus client the control queue is used through. */
  client: Pick<ServiceBusClient, "acceptSession" | "createSender">;
  /** The session-enabled queue of the API's own traffic (`bridge-control` by default). */
  controlQueue?: string;
  /** How long a forwarded call waits for its answer (beyond a receive's own wait). Default 5 s. */
  callDeadlineInMs?: number;
  /** The API's one translation of errors into problems, for the answers of forwarded calls. */
  problemOf?: ProblemOfError;
  logger: ApiLogger;
  /** This instance's id, naming its reply session; a random one by default. */
  instanceId?: string;
}

/** The routed port, and when routing is known to work. */
export interface RoutedMessaging extends MessagingPort {
  /** Resolves once this instance receives on its reply session (true), or routing was turned off (false). */
  routingStarted(): Promise<boolean>;
  /**
   * Shutdown begins: releases the route sessions and every data session held now, so other instances take them at
   * once, while requests in progress finish (their forwarded calls still get answers). {@link close} ends the rest.
   */
  releaseSessions(): Promise<void>;
}

/** The longest a holder waits, before answering the call that took a session, for its route to be served. */
const SERVE_WAIT_IN_MS = 2_000;
/** A route found unserved is probed once more after this wait: its holder may be accepting it right then. */
const PROBE_RETRY_IN_MS = 300;

type Source = QueueEntity | SubscriptionEntity;

/** Creates the routed messaging port over this instance's gateway. */
export function createRoutedMessaging(options: RoutedMessagingOptions): RoutedMessaging {
  const { local, client, logger } = options;
  const queueName = options.controlQueue ?? DEFAULT_CONTROL_QUEUE;
  const callDeadlineInMs = options.callDeadlineInMs ?? DEFAULT_CALL_DEADLINE_IN_MS;
  const routeLogger = logger.child({ area: "routing" });
  const server = new RouteServer(client, { queueName, logger: routeLogger, ...(options.problemOf ? { problemOf: options.problemOf } : {}) });
  const caller = new RouteClient(client, {
    queueName,
    logger: routeLogger,
    deadlineInMs: callDeadlineInMs,
    ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
  });
  let enabled = true;
  let closed = false;

  const routeOf = (source: Source, sessionId: string): string => routeSessionId(entityPathOf(source), sessionId);

  const stopServing = (route: string): void => {
    server.stop(route).catch((error: unknown) => routeLogger.warn({ code: serviceBusCodeOf(error) ?? "unknown" }, "route not released"));
  };

  const started = caller.started().then(
    () => {
      routeLogger.info({ controlQueue: queueName, replySessionId: caller.replySessionId }, "session calls are routed between instances");
      return true;
    },
    (error: unknown) => {
      if (closed) return false;
      enabled = false;
      routeLogger.warn(
        { controlQueue: queueName, code: serviceBusCodeOf(error) ?? "unknown" },
        "the control queue cannot be used (create it as a session-enabled queue): session calls run only on the instance that holds the session",
      );
      void server.close();
      void caller.close();
      return false;
    },
  );

  local.onSessionReleased((entityPath, sessionId) => {
    const route = routeSessionId(entityPath, sessionId);
    if (server.isServing(route)) stopServing(route);
  });

  const onNotHeld = (source: SessionSource, sessionId: string): void => stopServing(routeOf(source, sessionId));

  /** Serves the route of a session this instance now holds (and waits a moment for it), so others reach it. */
  const serveRoute = async (source: Source, sessionId: string | undefined): Promise<void> => {
    if (!enabled || closed || sessionId === undefined || !local.holdsSession(source, sessionId)) return;
    const route = routeOf(source, sessionId);
    if (server.isServing(route)) return;
    const accepted = server.serve(route, (operation, args, context) => runForwardedCall(local, operation, args, context, onNotHeld));
    accepted.catch((error: unknown) => routeLogger.debug({ code: serviceBusCodeOf(error) ?? "unknown" }, "route no longer served"));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([accepted.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, SERVE_WAIT_IN_MS)))]);
    clearTimeout(timer);
  };

  /** Whether some instance serves the session's route (probed twice, a moment apart, before saying no). */
  const isServedElsewhere = async (source: Source, sessionId: string): Promise<boolean> => {
    if (!(await started)) return false;
    const route = routeOf(source, sessionId);
    const probe = { queueName };
    if (await isRouteHeld(client, route, probe)) return true;
    await new Promise((resolve) => setTimeout(resolve, PROBE_RETRY_IN_MS));
    return isRouteHeld(client, route, probe);
  };

  const forward = async (source: Source, sessionId: string, call: ForwardedCall, subject: "message" | "session", extraWaitInMs = 0): Promise<JsonValue> => {
    const deadlineInMs = callDeadlineInMs + extraWaitInMs;
    try {
      return await caller.call(routeOf(source, sessionId), call.operation, call.args as unknown as JsonValue, { deadlineInMs });
    } catch (error) {
      if (isRouteCallTimeoutError(error)) throw new GatewayError({ kind: "holderUnreachable", subject, waitedInMs: deadlineInMs }, { cause: error });
      throw error;
    }
  };

  /**
   * A call that may take the session: here when this instance holds it or can take it; forwarded when
   * another instance holds it; Service Bus's SessionCannotBeLocked when a receiver outside the API does.
   */
  const takeOrForward = async <T>(source: Source, sessionId: string, here: () => Promise<T>, there: () => Promise<T>): Promise<T> => {
    try {
      const result = await here();
      await serveRoute(source, sessionId);
      return result;
    } catch (error) {
      const heldElsewhere = enabled && serviceBusCodeOf(error) === "SessionCannotBeLocked" && !local.holdsSession(source, sessionId);
      if (!heldElsewhere || !(await isServedElsewhere(source, sessionId))) throw error;
    }
    return there();
  };

  /** A call that needs the session held: here when held here or nowhere in the API, else forwarded to its holder. */
  const heldHereOrForward = async <T>(
    source: Source,
    sessionId: string | undefined,
    here: () => Promise<T>,
    there: (sessionId: string) => Promise<T>,
  ): Promise<T> => {
    if (!enabled || sessionId === undefined || local.holdsSession(source, sessionId)) return here();
    if (!(await isServedElsewhere(source, sessionId))) return here();
    return there(sessionId);
  };

  const lockArgs = (source: ReceivableEntity, lock: MessageLock, sessionId: string) => ({
    source: sessionSourceOf(source),
    sessionId,
    lockToken: lock.lockToken,
  });

  /**
   * A call on a locked message (settle, renew): here, or on its session's holder when the lock names a session held
   * elsewhere (a token of a session held here, or of a dead-letter sub-queue, which has no sessions, runs here).
   */
  const onLockHolder = <T>(
    source: ReceivableEntity,
    lock: MessageLock,
    here: () => Promise<T>,
    call: (sessionId: string) => ForwardedCall,
    resultOf: (value: JsonValue) => T,
  ): Promise<T> =>
    heldHereOrForward(source, source.subQueue === "main" ? lock.sessionId : undefined, here, async (sessionId) =>
      resultOf(await forward(source, sessionId, call(sessionId), "message")),
    );

  /** {@link onLockHolder} for a settlement, whose forwarded answer carries nothing. */
  const settle = (source: ReceivableEntity, lock: MessageLock, here: () => Promise<void>, call: (sessionId: string) => ForwardedCall): Promise<void> =>
    onLockHolder(source, lock, here, call, () => undefined);

  return {
    routingStarted: () => started,
    sendMessage: (entity, message) => local.sendMessage(entity, message),
    sendMessages: (entity, messages) => local.sendMessages(entity, messages),
    scheduleMessages: (entity, messages, at) => local.scheduleMessages(entity, messages, at),
    cancelScheduledMessages: (entity, sequenceNumbers) => local.cancelScheduledMessages(entity, sequenceNumbers),
    receiveMessages: (source, receiveOptions) => local.receiveMessages(source, receiveOptions),

    resubmitDeadLetters: (source, selection, resubmitOptions) => local.resubmitDeadLetters(source, selection, resubmitOptions),
    checkReadiness: (timeoutInMs) => local.checkReadiness(timeoutInMs),
    heldCounts: () => local.heldCounts(),

    peekMessages(source, peekOptions) {
      const { sessionId } = peekOptions;
      if (sessionId === undefined || source.subQueue !== "main") return local.peekMessages(source, peekOptions);
      return takeOrForward(
        source,
        sessionId,
        () => local.peekMessages(source, peekOptions),
        async () => {
          const { maxMessages, fromSequenceNumber } = peekOptions;
          const args = { source: sessionSourceOf(source), sessionId, maxMessages, ...(fromSequenceNumber === undefined ? {} : { fromSequenceNumber }) };
          return (await forward(source, sessionId, { operation: "peekSessionMessages", args }, "session")) as unknown as Awaited<
            ReturnType<MessagingPort["peekMessages"]>
          >;
        },
      );
    },

    receiveDeferredMessages(source, sequenceNumbers, receiveOptions = {}) {
      const { sessionId } = receiveOptions;
      if (sessionId === undefined || source.subQueue !== "main") return local.receiveDeferredMessages(source, sequenceNumbers, receiveOptions);
      return takeOrForward(
        source,
        sessionId,
        () => local.receiveDeferredMessages(source, sequenceNumbers, receiveOptions),
        async () => {
          const args = { source: sessionSourceOf(source), sessionId, sequenceNumbers: [...sequenceNumbers] };
          return (await forward(source, sessionId, { operation: "receiveDeferredSessionMessages", args }, "session")) as unknown as Awaited<
            ReturnType<MessagingPort["receiveDeferredMessages"]>
          >;
        },
      );
    },

    async receiveSessionMessages(source, receiveOptions) {
      const { sessionId } = receiveOptions;
      if (sessionId === undefined || source.subQueue !== "main") {
        const result = await local.receiveSessionMessages(source, receiveOptions);
        await serveRoute(source, result.sessionId);
        return result;
      }
      return takeOrForward(
        source,
        sessionId,
        () => local.receiveSessionMessages(source, receiveOptions),
        async () => {
          const { maxMessages, maxWaitTimeInMs } = receiveOptions;
          const args = { source: sessionSourceOf(source), sessionId, maxMessages, maxWaitTimeInMs };
          return receiveResultFromJson(await forward(source, sessionId, { operation: "receiveSessionMessages", args }, "session", maxWaitTimeInMs));
        },
      );
    },

    getSessionState(source, sessionId) {
      if (source.subQueue !== "main") return local.getSessionState(source, sessionId);
      return takeOrForward(
        source,
        sessionId,
        () => local.getSessionState(source, sessionId),
        async () =>
          sessionStateFromJson(
            await forward(source, sessionId, { operation: "getSessionState", args: { source: sessionSourceOf(source), sessionId } }, "session"),
          ),
      );
    },

    setSessionState(source, sessionId, state) {
      if (source.subQueue !== "main") return local.setSessionState(source, sessionId, state);
      return takeOrForward(
        source,
        sessionId,
        () => local.setSessionState(source, sessionId, state),
        async () => {
          const args = { source: sessionSourceOf(source), sessionId, state: state.state as JsonValue, stateEncoding: state.stateEncoding };
          await forward(source, sessionId, { operation: "setSessionState", args }, "session");
        },
      );
    },

    renewSessionLock(source, sessionId) {
      if (source.subQueue !== "main") return local.renewSessionLock(source, sessionId);
      return heldHereOrForward(
        source,
        sessionId,
        () => local.renewSessionLock(source, sessionId),
        async () =>
          dateFromJson(await forward(source, sessionId, { operation: "renewSessionLock", args: { source: sessionSourceOf(source), sessionId } }, "session")),
      );
    },

    closeSession(source, sessionId) {
      if (source.subQueue !== "main") return local.closeSession(source, sessionId);
      return heldHereOrForward(
        source,
        sessionId,
        () => local.closeSession(source, sessionId),
        async () => (await forward(source, sessionId, { operation: "closeSession", args: { source: sessionSourceOf(source), sessionId } }, "session")) === true,
      );
    },

    completeMessage(source, lock) {
      return settle(
        source,
        lock,
        () => local.completeMessage(source, lock),
        (sessionId) => ({ operation: "completeMessage", args: lockArgs(source, lock, sessionId) }),
      );
    },

    abandonMessage(source, lock, propertiesToModify) {
      return settle(
        source,
        lock,
        () => local.abandonMessage(source, lock, propertiesToModify),
        (sessionId) => ({ operation: "abandonMessage", args: { ...lockArgs(source, lock, sessionId), ...(propertiesToModify ? { propertiesToModify } : {}) } }),
      );
    },

    deferMessage(source, lock, propertiesToModify) {
      return settle(
        source,
        lock,
        () => local.deferMessage(source, lock, propertiesToModify),
        (sessionId) => ({ operation: "deferMessage", args: { ...lockArgs(source, lock, sessionId), ...(propertiesToModify ? { propertiesToModify } : {}) } }),
      );
    },

    deadLetterMessage(source, lock, deadLetter) {
      return settle(
        source,
        lock,
        () => local.deadLetterMessage(source, lock, deadLetter),
        (sessionId) => ({ operation: "deadLetterMessage", args: { ...lockArgs(source, lock, sessionId), deadLetter } }),
      );
    },

    renewMessageLock(source, lock) {
      return onLockHolder(
        source,
        lock,
        () => local.renewMessageLock(source, lock),
        (sessionId) => ({ operation: "renewMessageLock", args: lockArgs(source, lock, sessionId) }),
        dateFromJson,
      );
    },

    async releaseSessions() {
      closed = true;
      await server.close();
      await local.releaseSessions();
    },

    async close() {
      closed = true;
      // Route sessions first, then the data sessions with the gateway: both are released at once for other instances.
      await Promise.allSettled([server.close(), caller.close()]);
      await local.close();
    },
  };
}
