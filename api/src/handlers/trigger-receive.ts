/**
 * One poll's receive for the polling triggers, on any entity: a plain receive, or, on an entity that
 * requires sessions, the messages of the next available session. The maker chooses nothing: the
 * gateway refuses a plain receive on a session entity (GatewayError `sessionRequired`) and remembers
 * what it learnt, so later polls of that entity go to sessions without opening a plain link.
 */
import type { ReceivableEntity } from "../contract/entity.js";
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import { isGatewayError } from "../servicebus/gateway-error.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";

/** Options of {@link receiveForTrigger}. */
export interface TriggerReceiveOptions {
  maxMessages: number;
  maxWaitTimeInMs: number;
  receiveMode: "peekLock" | "receiveAndDelete";
}

/** The messages of one poll, in sequence order; `sessionId` names their session on a session entity. */
export interface TriggerReceiveResult {
  messages: ReceivedMessageJson[];
  sessionId?: string;
}

function isSessionRequired(error: unknown): boolean {
  return isGatewayError(error) && error.failure.kind === "sessionRequired";
}

/**
 * Receives one poll's messages. On a session entity they all come from one session, the next available
 * one: in peek-lock mode it stays held by this instance (released when closed or idle) so the flow can
 * settle them; in receive-and-delete mode it is released at once. A session accepted in peek-lock mode
 * that yields no message is released at once, so it does not wait for the idle release.
 */
export async function receiveForTrigger(
  messaging: MessagingPort,
  entity: ReceivableEntity,
  { maxMessages, maxWaitTimeInMs, receiveMode }: TriggerReceiveOptions,
): Promise<TriggerReceiveResult> {
  try {
    return { messages: await messaging.receiveMessages(entity, { maxMessages, maxWaitTimeInMs, receiveMode }) };
  } catch (error) {
    if (!isSessionRequired(error)) throw error;
  }
  const received = await messaging.receiveSessionMessages(entity, { maxMessages, maxWaitTimeInMs, sessionId: undefined, receiveMode });
  if (received.sessionId === undefined) return { messages: [] };
  if (received.messages.length === 0 && receiveMode === "peekLock") await messaging.closeSession(entity, received.sessionId);
  return { messages: received.messages, sessionId: received.sessionId };
}
