/** Handlers of the session operations, shared by queues and subscriptions. */
import type { sessionOperations } from "../contract/operations/sessions.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";

/** Bindings of Get/SetSessionState, RenewSessionLock and CloseSession of one entity kind. */
export function sessionBindings(operations: ReturnType<typeof sessionOperations>, messaging: MessagingPort): OperationBinding[] {
  return [
    bindOperation(operations.getState, async ({ entity, params }) => {
      const { state, stateEncoding } = await messaging.getSessionState(entity, params.sessionId);
      return { body: { sessionId: params.sessionId, state, stateEncoding } };
    }),
    bindOperation(operations.setState, async ({ entity, params, body }) => {
      await messaging.setSessionState(entity, params.sessionId, { state: body.state, stateEncoding: body.stateEncoding ?? "json" });
      return {};
    }),
    bindOperation(operations.renewLock, async ({ entity, params }) => {
      const lockedUntil = await messaging.renewSessionLock(entity, params.sessionId);
      return { body: { sessionId: params.sessionId, sessionLockedUntilUtc: lockedUntil.toISOString() } };
    }),
    bindOperation(operations.close, async ({ entity, params }) => {
      await messaging.closeSession(entity, params.sessionId);
      return {};
    }),
  ];
}
