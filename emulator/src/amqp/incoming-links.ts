/** A client's sender link: the messages (single or batched) it delivers to a queue or topic. */
import rhea from "rhea";
import type { Delivery, EventContext, Message, Receiver } from "rhea";
import { Conditions } from "../broker/broker-errors.js";
import { acceptedState, linkAttach, rejectedState } from "./amqp-types.js";
import { describeError, refuseLink } from "./link-admission.js";
import { BATCH_MESSAGE_FORMAT, decodeBatch, decodeIncomingMessage } from "./message-codec.js";
import { rawMessageBytes } from "./raw-message-capture.js";
import type { ServerContext } from "./server-context.js";

/** Attaches the link if messages may be sent to the address; returns false after refusing it otherwise. */
export function attachIncomingLink(context: ServerContext, receiver: Receiver, address: string): boolean {
  try {
    context.broker.resolveSendTarget(address);
  } catch (error) {
    const { condition, description } = describeError(error);
    refuseLink(context, receiver, condition, description);
    return false;
  }
  context.roles.set(receiver, { kind: "incoming", address });
  linkAttach(receiver).local.max_message_size = context.maxMessageSizeInBytes;
  return true;
}

/** Hands a delivery's messages to the broker; settles it once they are stored, or rejects it with the reason. */
export function acceptIncoming(context: ServerContext, event: EventContext, address: string): void {
  const { broker, store, logger, maxMessageSizeInBytes } = context;
  const delivery = event.delivery as Delivery;
  const raw = event.message as unknown;
  let encoded: Buffer[];
  const isBatch = Buffer.isBuffer(raw) && (event as EventContext & { format?: number }).format === BATCH_MESSAGE_FORMAT;
  try {
    if (Buffer.isBuffer(raw)) {
      encoded = isBatch ? decodeBatch(raw) : [raw];
    } else {
      encoded = [rawMessageBytes(raw as object) ?? rhea.message.encode(raw as Message)];
    }
    const tooLarge = encoded.find((bytes) => bytes.length > maxMessageSizeInBytes);
    if (tooLarge) {
      delivery.update(
        true,
        rejectedState(
          Conditions.messageSizeExceeded,
          `The received message (size: ${tooLarge.length} bytes) exceeds the limit (${maxMessageSizeInBytes} bytes) currently allowed on the link.`,
        ),
      );
      return;
    }
    const messages = encoded.map(decodeIncomingMessage);
    if (isBatch) broker.sendBatch(address, messages);
    else broker.send(address, messages);
  } catch (error) {
    const { condition, description } =
      error instanceof TypeError ? { condition: "amqp:decode-error", description: `The message could not be decoded: ${error.message}` } : describeError(error);
    delivery.update(true, rejectedState(condition, description));
    return;
  }
  store.afterCommit((failure) => {
    if (failure) {
      logger.error({ err: failure }, "could not persist an accepted message");
      delivery.update(true, rejectedState(Conditions.internalError, "The emulator could not store the message."));
    } else {
      delivery.update(true, acceptedState());
    }
  });
}
