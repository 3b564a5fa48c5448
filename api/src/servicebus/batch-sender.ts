/** Sends many messages in as few Service Bus batches as their size allows. */
import type { ServiceBusMessage, ServiceBusMessageBatch, ServiceBusSender } from "@azure/service-bus";
import { ProblemError } from "../problems/problem-error.js";
import { problemCodeForServiceBusError } from "../problems/service-bus-errors.js";

/** A 413 problem naming the message, the limit and the claim-check remedy. */
export function messageTooLarge(index: number | undefined, limitInBytes: number): ProblemError {
  const which = index === undefined ? "The message" : `Message ${index}`;
  return new ProblemError("MessageSizeExceeded", {
    detail:
      `${which} is larger than the entity's limit of ${limitInBytes} bytes (including its properties). ` +
      "Store the payload elsewhere (for example in Blob Storage) and send a reference to it instead (the claim-check pattern).",
    extensions: { limitInBytes, ...(index === undefined ? {} : { index }) },
  });
}

/**
 * Packs messages into batches, in order. Throws a 413 problem before anything is sent when one
 * message alone does not fit an empty batch.
 */
export async function packBatches(sender: ServiceBusSender, messages: readonly ServiceBusMessage[], reportIndex: boolean): Promise<ServiceBusMessageBatch[]> {
  const batches: ServiceBusMessageBatch[] = [];
  let batch = await sender.createMessageBatch();
  for (const [index, message] of messages.entries()) {
    if (batch.tryAddMessage(message)) continue;
    if (batch.count === 0) throw messageTooLarge(reportIndex ? index : undefined, batch.maxSizeInBytes);
    batches.push(batch);
    batch = await sender.createMessageBatch();
    if (!batch.tryAddMessage(message)) throw messageTooLarge(reportIndex ? index : undefined, batch.maxSizeInBytes);
  }
  if (batch.count > 0) batches.push(batch);
  return batches;
}

/**
 * Sends packed batches one after the other. When a batch fails after earlier ones were sent, the
 * problem carries `sentMessageIds` so the caller knows what got through.
 */
export async function sendBatches(sender: ServiceBusSender, batches: readonly ServiceBusMessageBatch[], messageIds: readonly string[]): Promise<void> {
  let sent = 0;
  for (const batch of batches) {
    try {
      await sender.sendMessages(batch);
    } catch (error) {
      if (sent === 0) throw error;
      const code = problemCodeForServiceBusError(error) ?? "InternalError";
      throw new ProblemError(code, {
        detail: `Only the first ${sent} of ${messageIds.length} messages were sent; sentMessageIds lists them. Retry the others.`,
        extensions: { sentMessageIds: messageIds.slice(0, sent) },
        cause: error,
      });
    }
    sent += batch.count;
  }
}

/**
 * Sends one message without building a batch. An oversize message gets the same 413 problem as in a batch,
 * with the link's limit.
 */
export async function sendOne(sender: ServiceBusSender, message: ServiceBusMessage): Promise<void> {
  try {
    await sender.sendMessages(message);
  } catch (error) {
    if (problemCodeForServiceBusError(error) !== "MessageSizeExceeded") throw error;
    const batch = await sender.createMessageBatch();
    throw messageTooLarge(undefined, batch.maxSizeInBytes);
  }
}
