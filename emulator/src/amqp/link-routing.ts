/**
 * Gives every link the client attaches its role, by its address and direction: CBS and `$management` request
 * and reply links, sender links into an entity, receiver links out of one. Routes later link events by that role.
 */
import type { EventContext, Receiver, Sender } from "rhea";
import { linkAttach } from "./amqp-types.js";
import { CBS_ADDRESS } from "./cbs-node.js";
import { attachConsumerLink, retireConsumer } from "./consumer-links.js";
import { acceptIncoming, attachIncomingLink } from "./incoming-links.js";
import { admitLink } from "./link-admission.js";
import { answerRequest, isManagementAddress } from "./request-links.js";
import type { AmqpLink, ServerContext } from "./server-context.js";

/** The client attached a sender link: the emulator receives on it. */
export function onReceiverOpen(context: ServerContext, event: EventContext): void {
  const receiver = event.receiver as Receiver;
  const attach = linkAttach(receiver);
  const address = attach.remote?.target?.address ?? "";
  receiver.set_source(attach.remote?.source as never);
  receiver.set_target(attach.remote?.target as never);
  if (address === CBS_ADDRESS) {
    context.roles.set(receiver, { kind: "cbs-requests" });
    return;
  }
  if (!admitLink(context, receiver, address)) return;
  if (isManagementAddress(address)) {
    context.roles.set(receiver, { kind: "management-requests", address });
  } else if (!attachIncomingLink(context, receiver, address)) {
    return;
  }
  context.logger.info({ connection: context.connectionState(receiver.connection).id, link: receiver.name, address }, "sender link attached");
}

/** The client attached a receiver link: the emulator sends replies or an entity's messages on it. */
export function onSenderOpen(context: ServerContext, event: EventContext): void {
  const sender = event.sender as Sender;
  const ends = linkAttach(sender);
  const attach = ends.remote;
  const source = attach?.source ?? undefined;
  const address = source?.address ?? "";
  sender.set_source(attach?.source as never);
  sender.set_target(attach?.target as never);
  ends.local.snd_settle_mode = attach?.snd_settle_mode;
  ends.local.rcv_settle_mode = attach?.rcv_settle_mode;
  if (address === CBS_ADDRESS) {
    context.roles.set(sender, { kind: "reply" });
    return;
  }
  if (!admitLink(context, sender, address)) return;
  if (isManagementAddress(address)) {
    context.roles.set(sender, { kind: "reply" });
    return;
  }
  attachConsumerLink(context, sender, address, attach);
}

/** A message arrived on one of the emulator's receiving links: an entity's message or a request. */
export function onMessage(context: ServerContext, event: EventContext): void {
  const role = context.roles.get(event.receiver as Receiver);
  if (role?.kind === "incoming") {
    acceptIncoming(context, event, role.address);
    return;
  }
  if (role?.kind === "cbs-requests" || role?.kind === "management-requests") answerRequest(context, event, role);
}

/** The client granted credit on a receiver link. */
export function onSenderFlow(context: ServerContext, event: EventContext): void {
  const role = context.roles.get(event.sender as Sender);
  if (role?.kind === "consumer") role.consumer.onFlow();
}

/** A link closed: a receiver link stops receiving and gives up its session. */
export function onLinkClosed(context: ServerContext, event: EventContext): void {
  const link = (event.sender ?? event.receiver) as AmqpLink | undefined;
  if (!link) return;
  const role = context.roles.get(link);
  if (role?.kind === "consumer") {
    retireConsumer(role);
    context.logger.info({ connection: context.connectionState(link.connection).id, link: link.name }, "receiver link detached");
  }
  context.roles.delete(link);
}
