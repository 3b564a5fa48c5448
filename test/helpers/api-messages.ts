/** Typed access to message lists in API responses, for tests. */

/** The message JSON fields tests read. */
export interface MessageOut {
  body: unknown;
  bodyEncoding: string;
  contentType?: string;
  messageId?: string;
  sequenceNumber: string;
  lockToken?: string;
  lockedUntilUtc?: string;
  deliveryCount: number;
  applicationProperties?: Record<string, unknown>;
  timeToLiveSeconds?: number;
  state: string;
  enqueuedTimeUtc?: string;
  scheduledEnqueueTimeUtc?: string;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}

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
