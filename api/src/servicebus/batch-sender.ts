/** Sends many messages in as few Service Bus batches as their size allows. */
import type { ServiceBusMessage, ServiceBusMessageBatch, ServiceBusSender } from "@azure/service-bus";
import { GatewayError } from "./gateway-error.js";
import { serviceBusCodeOf } from "./service-bus-errors.js";

/** The error of a message too large for the entity even alone (its place in a list, or undefined for a message sent alone). */
export function messageTooLarge(messageIndex: number | undefined, limitInBytes: number): GatewayError {
  return new GatewayError({ kind: "messageTooLarge", messageIndex, limitInBytes });
}

/**
 * Packs messages into batches, in order. Throws messageTooLarge before anything is sent when one
 * message alone does not fit an empty batch.
 */
export async function packBatches(sender: ServiceBusSender, messages: readonly ServiceBusMessage[]): Promise<ServiceBusMessageBatch[]> {
  const batches: ServiceBusMessageBatch[] = [];
  let batch = await sender.createMessageBatch();
  for (const [index, message] of messages.entries()) {
    if (batch.tryAddMessage(message)) continue;
    if (batch.count === 0) throw messageTooLarge(index, batch.maxSizeInBytes);
    batches.push(batch);
    batch = await sender.createMessageBatch();
    if (!batch.tryAddMessage(message)) throw messageTooLarge(index, batch.maxSizeInBytes);
  }
  if (batch.count > 0) batches.push(batch);
  return batches;
}

/**
 * Sends packed batches one after the other. When a batch fails after earlier ones were sent, the
 * error (partiallySent) carries the ids that were sent, so the caller knows what got through.
 */
export async function sendBatches(sender: ServiceBusSender, batches: readonly ServiceBusMessageBatch[], messageIds: readonly string[]): Promise<void> {
  let sent = 0;
  for (const batch of batches) {
    try {
      await sender.sendMessages(batch);
    } catch (error) {
      if (sent === 0) throw error;
      throw new GatewayError({ kind: "partiallySent", sentMessageIds: messageIds.slice(0, sent), total: messageIds.length }, { cause: error });
    }
    sent += batch.count;
  }
}

/**
 * Sends one message without building a batch. An oversize message gets the same messageTooLarge as in a
 * batch, with the link's limit.
 */
export async function sendOne(sender: ServiceBusSender, message: ServiceBusMessage): Promise<void> {
  try {
    await sender.sendMessages(message);
  } catch (error) {
    if (serviceBusCodeOf(error) !== "MessageSizeExceeded") throw error;
    const batch = await sender.createMessageBatch();
    throw messageTooLarge(undefined, batch.maxSizeInBytes);
  }
}
