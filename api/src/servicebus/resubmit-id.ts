/**
 * The message id of a resubmitted copy. A copy must not reuse the dead letter's id: on an entity with
 * duplicate detection Service Bus would discard it as a duplicate of the original (still inside the
 * detection window), and the dead letter would be removed with nothing in its place. The new id is derived,
 * not random, so that a retried resubmit of the same dead letter makes the same id and is itself caught as
 * a duplicate.
 */
import { createHash } from "node:crypto";

/** The application property a copy keeps the first original message id in. */
export const ORIGINAL_MESSAGE_ID_PROPERTY = "OriginalMessageId";

/** Service Bus's longest message id. */
export const MAX_MESSAGE_ID_LENGTH = 128;

/** What a copy's id is derived from. */
export interface ResubmitIdSource {
  /**
   * The first original message id: the dead letter's `OriginalMessageId` when it is itself a resubmitted
   * copy, else its message id (undefined when it has none).
   */
  originalMessageId: string | undefined;
  /** The dead letter's sequence number in its dead-letter sub-queue. */
  deadLetterSequenceNumber: string;
  /**
   * The subscription whose dead letter it is; subscriptions number their messages independently, so two
   * subscriptions' dead letters of one topic message can share a sequence number, and their copies both go
   * to the topic.
   */
  subscription?: string;
}

/**
 * `<original id>/resubmit/<sequence number>` (with `<subscription>/` before the number for subscriptions);
 * when that exceeds 128 characters, `resubmit/` and the SHA-256 (hex) of the same parts.
 */
export function resubmitMessageId({ originalMessageId, deadLetterSequenceNumber, subscription }: ResubmitIdSource): string {
  const suffix = subscription === undefined ? deadLetterSequenceNumber : `${subscription}/${deadLetterSequenceNumber}`;
  const readable = `${originalMessageId ?? ""}/resubmit/${suffix}`;
  if (readable.length <= MAX_MESSAGE_ID_LENGTH) return readable;
  const digest = createHash("sha256")
    .update(`${originalMessageId ?? ""}\u0000${suffix}`, "utf8")
    .digest("hex");
  return `resubmit/${digest}`;
}
