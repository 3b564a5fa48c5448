/**
 * A client's receiver link on a queue, subscription or sub-queue: attaching it (with or without a session),
 * the settlements the client sends on it, and retiring it when the link or connection goes away.
 */
import type { Delivery, EventContext, Sender } from "rhea";
import { Conditions } from "../broker/broker-errors.js";
import { acceptedState, rejectedState } from "./amqp-types.js";
import { describeError, refuseLink } from "./link-admission.js";
import { LinkConsumer, lockTokenOfTag, settlementOfOutcome } from "./link-consumer.js";
import type { AttachFields } from "./amqp-types.js";
import { attachSessionReceiver, requestedSession } from "./session-attach.js";
import type { ConsumerRole, ServerContext } from "./server-context.js";

export type LinkOutcome = "accepted" | "rejected" | "modified" | "released";

/** Attaches a receiver link to the entity at the address, locking a session first when the entity has sessions. */
export function attachConsumerLink(context: ServerContext, sender: Sender, address: string, attach: AttachFields | undefined): void {
  const { broker, logger, roles } = context;
  const resolved = broker.resolve(address);
  if (resolved.entity.kind === "topic") {
    refuseLink(context, sender, Conditions.notAllowed, `Messages cannot be received from the topic '${address}': receive from one of its subscriptions.`);
    return;
  }
  const receiveMode = attach?.snd_settle_mode === 1 ? "receiveAndDelete" : "peekLock";
  const consumer = new LinkConsumer(sender, resolved.queue, receiveMode);
  const sessions = resolved.isDeadLetter ? undefined : resolved.entity.sessions;
  const requested = requestedSession(sender);
  const attached = (sessionId?: string): void => {
    resolved.queue.addConsumer(consumer);
    logger.info({ connection: context.connectionState(sender.connection).id, link: sender.name, address, receiveMode, sessionId }, "receiver link attached");
  };
  if (!sessions) {
    if (requested !== undefined) {
      refuseLink(
        context,
        sender,
        Conditions.notAllowed,
        `It is not possible for an entity that does not require sessions to create a sessionful message receiver ('${address}').`,
      );
      return;
    }
    roles.set(sender, { kind: "consumer", consumer });
    attached();
    return;
  }
  if (requested === undefined) {
    refuseLink(
      context,
      sender,
      Conditions.notAllowed,
      `It is not possible for an entity that requires sessions to create a non-sessionful message receiver ('${address}').`,
    );
    return;
  }
  const role: ConsumerRole = { kind: "consumer", consumer, sessions, cancelPending: () => undefined };
  roles.set(sender, role);
  role.cancelPending = attachSessionReceiver({
    sender,
    consumer,
    sessions,
    requested,
    onAttached: attached,
    onRefused: (condition, description) => {
      roles.delete(sender);
      refuseLink(context, sender, condition, description);
    },
  });
}

/** Applies the client's outcome for a peek-lock delivery; answers once the change is durable. */
export function settleFromLink(context: ServerContext, event: EventContext, kind: LinkOutcome): void {
  const sender = event.sender as Sender;
  const delivery = event.delivery as Delivery;
  const role = context.roles.get(sender);
  // Receive-and-delete deliveries are settled when sent; only peek-lock deliveries carry a lock to settle.
  if (role?.kind !== "consumer" || role.consumer.receiveMode === "receiveAndDelete") return;
  const { consumer } = role;
  const lockToken = lockTokenOfTag(delivery.tag as Buffer);
  consumer.beginSettlement(lockToken);
  try {
    const settlement = settlementOfOutcome(kind, delivery.remote_state as never);
    consumer.queue.settle(lockToken, settlement, consumer.id);
  } catch (error) {
    const { condition, description } = describeError(error);
    delivery.update(true, rejectedState(condition, description));
    consumer.endSettlement(lockToken, delivery);
    return;
  }
  // Settle once the change is durable: the SDK waits for the emulator's settlement, and reads any error
  // on it as a failure, so success is answered with a plain `accepted` whatever the client's outcome.
  context.store.afterCommit(() => {
    delivery.update(true, acceptedState());
    consumer.endSettlement(lockToken, delivery);
  });
}

/** A receiver link went away: stop delivering to it and give up its session, if it held one. */
export function retireConsumer(role: ConsumerRole): void {
  role.consumer.queue.removeConsumer(role.consumer);
  role.cancelPending?.();
  const session = role.consumer.session;
  if (role.sessions && session) role.sessions.release(session.sessionId, role.consumer.id);
}
