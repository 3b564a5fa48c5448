/** Typed access to message lists in API responses, for tests. */
import type { ReceivedMessageJson } from "../../api/src/contract/schemas/message.js";

/** The message JSON of the contract (the fixture checks every response against it). */
export type MessageOut = ReceivedMessageJson;

/** The `messages` of a peek or receive response. */
export function messagesOf(body: unknown): MessageOut[] {
  return (body as { messages: MessageOut[] }).messages;
}

/** The only message of a peek or receive response; fails when there is not exactly one. */
export function onlyMessage(body: unknown): MessageOut {
  const messages = messagesOf(body);
  if (messages.length !== 1) throw new Error(`expected one message, got ${messages.length}`);
  return messages[0] as MessageOut;
}
