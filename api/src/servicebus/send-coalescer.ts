/**
 * Coalesces single-message sends (SendMessage, SendEvent) that reach the gateway in the same turn of the event
 * loop into one Service Bus batch per entity and session. Under concurrent requests (a flow's "apply to each"
 * in parallel, a trigger with concurrency) one AMQP transfer and one settlement then replace many, both in this
 * API and in Service Bus. A send waits for nothing but the end of the current turn, and one that is alone in
 * its turn goes out as it is.
 *
 * Every request still gets its own answer. A message too large for the entity is refused alone (413) before
 * anything is sent. Service Bus accepts or refuses a batch as a whole, so when it refuses one for what its
 * messages are (not for the entity or the service), each message is sent again on its own and each request gets
 * the answer it would have had alone. When the outcome is unknown or not about the messages (a timeout, a lost
 * connection, a missing entity), every request gets that error, as it would have alone.
 */
import type { ServiceBusMessage, ServiceBusMessageBatch, ServiceBusSender } from "@azure/service-bus";
import { messageTooLarge, sendOne } from "./batch-sender.js";

/** Sends one message, possibly together with others sent in the same turn to the same entity and session. */
export interface SendCoalescer {
  send(entity: string, sender: ServiceBusSender, message: ServiceBusMessage): Promise<void>;
}

interface PendingSend {
  readonly message: ServiceBusMessage;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface PendingGroup {
  readonly sender: ServiceBusSender;
  readonly sends: PendingSend[];
}

interface PackedBatch {
  readonly batch: ServiceBusMessageBatch;
  readonly sends: PendingSend[];
}

/**
 * Service Bus error codes about the entity, the credentials or the service rather than the messages of a
 * batch: every message sent alone would get them too, so a batch refused with one of them is not resent.
 */
const NOT_ABOUT_THE_MESSAGES = new Set([
  "MessagingEntityNotFound",
  "MessagingEntityDisabled",
  "QuotaExceeded",
  "UnauthorizedAccess",
  "ServiceBusy",
  "ServiceTimeout",
  "ServiceCommunicationProblem",
]);

/**
 * True when Service Bus definitely refused the batch because of what its messages are (so none of them was
 * enqueued and each may be sent again alone). Errors that are not the SDK's `ServiceBusError`, socket errors
 * and retryable errors leave the outcome unknown.
 */
export function refusedForItsMessages(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code, retryable, syscall } = error as { name?: unknown; code?: unknown; retryable?: unknown; syscall?: unknown };
  if (name !== "ServiceBusError" || retryable === true || syscall !== undefined) return false;
  return typeof code === "string" && !NOT_ABOUT_THE_MESSAGES.has(code);
}

/** Messages with a session or a scheduled time keep their own batch envelope (Service Bus reads both from it). */
function groupKey(entity: string, message: ServiceBusMessage): string | undefined {
  if (message.scheduledEnqueueTimeUtc !== undefined) return undefined;
  return JSON.stringify([entity, message.sessionId ?? null, message.partitionKey ?? null]);
}

function settleWith(send: PendingSend, outcome: Promise<void>): Promise<void> {
  return outcome.then(send.resolve, send.reject);
}

/** Adds a send to a batch: "added", "full" (it does not fit), or "refused" (its request was failed). */
function tryAdd(packed: PackedBatch, send: PendingSend): "added" | "full" | "refused" {
  try {
    if (!packed.batch.tryAddMessage(send.message)) return "full";
  } catch (error) {
    // The SDK refused the message itself (an invalid field): only its request fails.
    send.reject(error);
    return "refused";
  }
  packed.sends.push(send);
  return "added";
}

/** Packs the sends into batches in order; a message that does not fit an empty batch is refused alone. */
async function pack(sender: ServiceBusSender, sends: readonly PendingSend[]): Promise<PackedBatch[]> {
  const packed: PackedBatch[] = [];
  let current: PackedBatch = { batch: await sender.createMessageBatch(), sends: [] };
  for (const send of sends) {
    let outcome = tryAdd(current, send);
    if (outcome === "full" && current.sends.length > 0) {
      // A new batch, kept only when the message fits it: a message too large for any batch leaves the current one open.
      const next: PackedBatch = { batch: await sender.createMessageBatch(), sends: [] };
      outcome = tryAdd(next, send);
      if (outcome === "added") {
        packed.push(current);
        current = next;
      }
    }
    if (outcome === "full") send.reject(messageTooLarge(undefined, current.batch.maxSizeInBytes));
  }
  if (current.sends.length > 0) packed.push(current);
  return packed;
}

async function sendPacked(sender: ServiceBusSender, { batch, sends }: PackedBatch): Promise<void> {
  const [only] = sends;
  if (sends.length === 1 && only) return settleWith(only, sendOne(sender, only.message));
  try {
    await sender.sendMessages(batch);
  } catch (error) {
    if (!refusedForItsMessages(error)) {
      for (const send of sends) send.reject(error);
      return;
    }
    await Promise.all(sends.map((send) => settleWith(send, sendOne(sender, send.message))));
    return;
  }
  for (const send of sends) send.resolve();
}

async function sendGroup({ sender, sends }: PendingGroup): Promise<void> {
  const [only] = sends;
  if (sends.length === 1 && only) return settleWith(only, sendOne(sender, only.message));
  let packed: PackedBatch[];
  try {
    packed = await pack(sender, sends);
  } catch (error) {
    // No batch could be created (the sender's link did not open): nothing was sent.
    for (const send of sends) send.reject(error);
    return;
  }
  await Promise.all(packed.map((batch) => sendPacked(sender, batch)));
}

/** Creates a coalescer; sends queued in one turn of the event loop leave together in the next check phase. */
export function createSendCoalescer(): SendCoalescer {
  let groups = new Map<string, PendingGroup>();
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    const due = groups;
    groups = new Map();
    for (const group of due.values()) void sendGroup(group);
  };
  return {
    send(entity, sender, message) {
      const key = groupKey(entity, message);
      if (key === undefined) return sendOne(sender, message);
      return new Promise<void>((resolve, reject) => {
        let group = groups.get(key);
        if (!group) {
          group = { sender, sends: [] };
          groups.set(key, group);
        }
        group.sends.push({ message, resolve, reject });
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
