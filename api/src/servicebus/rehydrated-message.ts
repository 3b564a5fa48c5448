import type { ServiceBusReceivedMessage } from "@azure/service-bus";

/**
 * A stand-in for a received message that this process no longer holds (another instance received
 * it, or this one restarted). Its `delivery` has no link, so the SDK settles it through the entity's
 * management node with `update-disposition` by lock token, which Service Bus accepts for any
 * peek-locked non-session message (the SDK's management client sends the lock token and the disposition). Only the fields the SDK reads on
 * that path are set; the cast is the price of relying on that documented-in-source behaviour.
 */
export function rehydrateLockedMessage(lockToken: string): ServiceBusReceivedMessage {
  const standIn = {
    lockToken,
    delivery: {},
    body: undefined,
    state: "active",
    applicationProperties: {},
  };
  return standIn as unknown as ServiceBusReceivedMessage;
}
