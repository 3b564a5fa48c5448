import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isServiceBusError } from "@azure/service-bus";
import type { ServiceBusClient, ServiceBusReceivedMessage } from "@azure/service-bus";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { startEmulatorWithClient } from "../../helpers/emulator-fixture.js";

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [{ Name: "orders", Properties: { RequiresSession: true } }, { Name: "plain" }],
        Topics: [{ Name: "events", Subscriptions: [{ Name: "ordered", Properties: { RequiresSession: true } }] }],
      },
    ],
  },
});

const errorCode = (error: unknown): string | false => isServiceBusError(error) && error.code;

/**
 * A message known only by its lock token (and session id), as another process would hold it: its delivery has
 * no link, so the SDK settles it through the entity's `$management` node with `update-disposition`.
 */
function byLockToken(message: ServiceBusReceivedMessage, sessionId: string | null): ServiceBusReceivedMessage {
  const standIn = { lockToken: message.lockToken, delivery: {}, state: "active", applicationProperties: {}, ...(sessionId === null ? {} : { sessionId }) };
  return standIn as unknown as ServiceBusReceivedMessage;
}

describe("emulator: a session message's lock token is settled only by the connection holding its session", () => {
  let client: ServiceBusClient;
  let newClient: () => ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, newClient, close } = await startEmulatorWithClient({ config }));
  });
  afterEach(async () => close());

  it("refuses update-disposition from another connection with SessionLockLost, named session or not, and keeps the message locked", async () => {
    await client.createSender("orders").sendMessages({ body: "held", sessionId: "s1" });
    const holder = await client.acceptSession("orders", "s1");
    const [message] = await holder.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    if (!message) throw new Error("no message");
    const stranger = newClient().createReceiver("orders");
    for (const attempt of [byLockToken(message, message.sessionId ?? null), byLockToken(message, null)]) {
      expect(errorCode(await stranger.completeMessage(attempt).catch((caught: unknown) => caught))).toBe("SessionLockLost");
      expect(errorCode(await stranger.deadLetterMessage(attempt).catch((caught: unknown) => caught))).toBe("SessionLockLost");
      expect(errorCode(await stranger.abandonMessage(attempt).catch((caught: unknown) => caught))).toBe("SessionLockLost");
    }
    expect(errorCode(await stranger.renewMessageLock(byLockToken(message, message.sessionId ?? null)).catch((caught: unknown) => caught))).toBe(
      "SessionLockLost",
    );
    // Still locked by the holder, who settles it.
    await holder.completeMessage(message);
    expect(await holder.peekMessages(5)).toHaveLength(0);
  });

  it("lets the holding connection settle by lock token through $management when it names the session", async () => {
    await client.createSender("orders").sendMessages([
      { body: "one", sessionId: "s2" },
      { body: "two", sessionId: "s2" },
    ]);
    const holder = await client.acceptSession("orders", "s2");
    const [first, second] = await holder.receiveMessages(2, { maxWaitTimeInMs: 2000 });
    if (!first || !second) throw new Error("no messages");
    const sameConnection = client.createReceiver("orders");
    expect(errorCode(await sameConnection.completeMessage(byLockToken(first, null)).catch((caught: unknown) => caught))).toBe("SessionLockLost");
    expect(errorCode(await sameConnection.completeMessage(byLockToken(first, "another-session")).catch((caught: unknown) => caught))).toBe("SessionLockLost");
    await sameConnection.completeMessage(byLockToken(first, "s2"));
    await holder.completeMessage(second);
    expect(await holder.peekMessages(5)).toHaveLength(0);
  });

  it("refuses a deferred session message's lock token from another connection, and the holder completes it", async () => {
    await client.createSender("events").sendMessages({ body: "deferred", sessionId: "t1" });
    const holder = await client.acceptSession("events", "ordered", "t1");
    const [message] = await holder.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    if (!message?.sequenceNumber) throw new Error("no message");
    await holder.deferMessage(message);
    const [deferred] = await holder.receiveDeferredMessages(message.sequenceNumber);
    if (!deferred) throw new Error("no deferred message");
    const stranger = newClient().createReceiver("events", "ordered");
    expect(errorCode(await stranger.completeMessage(byLockToken(deferred, "t1")).catch((caught: unknown) => caught))).toBe("SessionLockLost");
    await holder.completeMessage(deferred);
    expect(await holder.peekMessages(5)).toHaveLength(0);
  });

  it("still settles non-session messages by lock token from any connection", async () => {
    await client.createSender("plain").sendMessages({ body: "anyone", sessionId: "carried-along" });
    const [message] = await client.createReceiver("plain").receiveMessages(1, { maxWaitTimeInMs: 2000 });
    if (!message) throw new Error("no message");
    expect(message.sessionId).toBe("carried-along");
    await newClient()
      .createReceiver("plain")
      .completeMessage(byLockToken(message, message.sessionId ?? null));
    expect(await client.createReceiver("plain").peekMessages(5)).toHaveLength(0);
  });
});
