/**
 * Resubmits dead-lettered messages, at least once: each selected message is copied to its entity
 * first and completed in the dead-letter sub-queue after the copy is stored. Copies get new, derived
 * message ids (resubmit-id.ts) unless the caller asks to keep the original ones.
 */
import type { ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusSender } from "@azure/service-bus";
import type { ApiLogger } from "../logger.js";
import type { ResubmitOptions, ResubmitResult, ResubmitSelection } from "./messaging-port.js";
import { copyForResubmit } from "./outgoing-message.js";

/** How many dead-lettered messages a selection by sequence numbers looks through at most. */
export const MAX_SCANNED_DEAD_LETTERS = 1000;
const RECEIVE_WAIT_IN_MS = 1000;

/** What {@link resubmitDeadLetters} needs. */
export interface ResubmitContext {
  /** A peek-lock receiver on the dead-letter sub-queue, used by nobody else meanwhile. */
  receiver: ServiceBusReceiver;
  /** The sender of the entity the copies go to. */
  sender: ServiceBusSender;
  selection: ResubmitSelection;
  options: ResubmitOptions;
  /** The subscription whose dead letters these are, for subscriptions (part of the copies' ids). */
  subscription?: string;
  logger: ApiLogger;
}

async function collect(
  receiver: ServiceBusReceiver,
  selection: ResubmitSelection,
): Promise<{ selected: ServiceBusReceivedMessage[]; others: ServiceBusReceivedMessage[] }> {
  const selected: ServiceBusReceivedMessage[] = [];
  const others: ServiceBusReceivedMessage[] = [];
  const wanted = "sequenceNumbers" in selection ? new Set(selection.sequenceNumbers) : undefined;
  const limit = wanted ? MAX_SCANNED_DEAD_LETTERS : "maxMessages" in selection ? selection.maxMessages : 0;
  let scanned = 0;
  while (scanned < limit && (!wanted || selected.length < wanted.size)) {
    const batch = await receiver.receiveMessages(Math.min(100, limit - scanned), { maxWaitTimeInMs: RECEIVE_WAIT_IN_MS });
    if (batch.length === 0) break;
    scanned += batch.length;
    for (const message of batch) {
      if (!wanted || wanted.has(String(message.sequenceNumber))) selected.push(message);
      else others.push(message);
    }
  }
  return { selected, others };
}

/** Resubmits the selected dead-lettered messages; messages looked at but not selected are released. */
export async function resubmitDeadLetters({ receiver, sender, selection, options, subscription, logger }: ResubmitContext): Promise<ResubmitResult> {
  const { selected, others } = await collect(receiver, selection);
  const result: ResubmitResult = { resubmitted: [], notFound: [] };
  try {
    for (const message of selected) {
      const copy = copyForResubmit(message, { keepMessageId: options.keepMessageId ?? false, ...(subscription === undefined ? {} : { subscription }) });
      await sender.sendMessages(copy);
      await receiver.completeMessage(message);
      result.resubmitted.push({
        sequenceNumber: String(message.sequenceNumber),
        ...(copy.messageId === undefined ? {} : { messageId: String(copy.messageId) }),
        ...(message.messageId === undefined ? {} : { originalMessageId: String(message.messageId) }),
      });
    }
  } finally {
    const unsettled = [...selected.filter((message) => !result.resubmitted.some((done) => done.sequenceNumber === String(message.sequenceNumber))), ...others];
    const released = await Promise.allSettled(unsettled.map((message) => receiver.abandonMessage(message)));
    const failed = released.filter((outcome) => outcome.status === "rejected").length;
    if (failed > 0) logger.warn({ failed }, "could not release some dead-lettered messages; they return when their locks expire");
  }
  if ("sequenceNumbers" in selection) {
    const found = new Set(result.resubmitted.map((item) => item.sequenceNumber));
    result.notFound = selection.sequenceNumbers.filter((value) => !found.has(value));
  }
  return result;
}
