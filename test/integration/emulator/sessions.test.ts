import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isServiceBusError } from "@azure/service-bus";
import type { ServiceBusClient, ServiceBusSessionReceiver } from "@azure/service-bus";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { PARTITIONING_VARIANTS, startEmulatorWithClient, withPartitioning } from "../../helpers/emulator-fixture.js";

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [{ Name: "orders", Properties: { RequiresSession: true, LockDuration: "PT5S" } }, { Name: "plain" }],
        Topics: [{ Name: "events", Subscriptions: [{ Name: "ordered", Properties: { RequiresSession: true } }] }],
      },
    ],
  },
});

const errorCode = (error: unknown): string | false => isServiceBusError(error) && error.code;

describe.each(PARTITIONING_VARIANTS)("emulator: sessions with the real SDK ($variant entities)", ({ enablePartitioning }) => {
  let client: ServiceBusClient;
  let newClient: () => ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, newClient, close } = await startEmulatorWithClient({ config: withPartitioning(config, enablePartitioning) }));
  });
  afterEach(async () => close());

  it("keeps each session in order while two producers interleave three sessions", async () => {
    const producerA = client.createSender("orders");
    const producerB = newClient().createSender("orders");
    for (let step = 0; step < 4; step += 1) {
      // One send per session: a partitioned entity refuses a batch whose messages name different sessions.
      await producerA.sendMessages({ body: `a-${step}`, sessionId: "order-a" });
      await producerA.sendMessages({ body: `c-${step}`, sessionId: "order-c" });
      await producerB.sendMessages({ body: `b-${step}`, sessionId: "order-b" });
    }
    for (const session of ["order-a", "order-b", "order-c"]) {
      const receiver = await client.acceptSession("orders", session);
      const received = await receiver.receiveMessages(10, { maxWaitTimeInMs: 1500 });
      expect(received.map((m) => m.body)).toEqual([0, 1, 2, 3].map((step) => `${session.slice(-1)}-${step}`));
      expect(received.every((m) => m.sessionId === session)).toBe(true);
      for (const message of received) await receiver.completeMessage(message);
      await receiver.close();
    }
  });

  it("hands distinct sessions to parallel acceptNextSession calls", async () => {
    const sender = client.createSender("orders");
    for (const sessionId of ["s1", "s2", "s3"]) await sender.sendMessages({ body: sessionId, sessionId });
    const receivers = await Promise.all([0, 1, 2].map(() => client.acceptNextSession("orders")));
    const ids = receivers.map((receiver) => receiver.sessionId).sort();
    expect(ids).toEqual(["s1", "s2", "s3"]);
    for (const receiver of receivers) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
      expect(message?.body).toBe(receiver.sessionId);
    }
  });

  it("times out acceptNextSession when no session has messages", async () => {
    const started = Date.now();
    const error = await client.acceptNextSession("orders", { maxAutoLockRenewalDurationInMs: 0 }).catch((caught: unknown) => caught);
    expect(["ServiceTimeout", "SessionCannotBeLocked"]).toContain(errorCode(error));
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 20_000);

  it("gives a session lock to one receiver at a time and releases it when the receiver closes", async () => {
    await client.createSender("orders").sendMessages({ body: "x", sessionId: "exclusive" });
    const first = await client.acceptSession("orders", "exclusive");
    const error = await newClient()
      .acceptSession("orders", "exclusive")
      .catch((caught: unknown) => caught);
    expect(errorCode(error)).toBe("SessionCannotBeLocked");
    await first.close();
    const second = await newClient().acceptSession("orders", "exclusive");
    const [message] = await second.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(message?.body).toBe("x");
  });

  it("round-trips session state", async () => {
    const receiver = await client.acceptSession("orders", "with-state");
    // The SDK hands back what the service sends for a session without state: null.
    expect(await receiver.getSessionState()).toBeNull();
    await receiver.setSessionState({ step: 3, items: ["a"] });
    await receiver.close();
    const again = await client.acceptSession("orders", "with-state");
    expect(await again.getSessionState()).toEqual({ step: 3, items: ["a"] });
  });

  it("renews the session lock, and reports SessionLockLost once it expired", async () => {
    await client.createSender("orders").sendMessages([
      { body: 1, sessionId: "slow" },
      { body: 2, sessionId: "slow" },
    ]);
    const receiver: ServiceBusSessionReceiver = await client.acceptSession("orders", "slow", { maxAutoLockRenewalDurationInMs: 0 });
    const before = receiver.sessionLockedUntilUtc?.getTime() ?? 0;
    expect(before).toBeGreaterThan(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await receiver.renewSessionLock();
    expect(receiver.sessionLockedUntilUtc?.getTime() ?? 0).toBeGreaterThan(before);
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 5500));
    const error = await receiver.completeMessage(message!).catch((caught: unknown) => caught);
    expect(["SessionLockLost", "MessageLockLost"]).toContain(errorCode(error));
    // The lock lapsed: another receiver gets the session, and the message again with one more delivery.
    const next = await newClient().acceptSession("orders", "slow");
    const [redelivered] = await next.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(redelivered?.body).toBe(1);
    expect(redelivered?.deliveryCount).toBe(1);
  }, 20_000);

  it("peeks one session's messages only", async () => {
    const sender = client.createSender("orders");
    for (const message of [
      { body: "p1", sessionId: "peek-a" },
      { body: "other", sessionId: "peek-b" },
      { body: "p2", sessionId: "peek-a" },
    ]) {
      await sender.sendMessages(message);
    }
    const receiver = await client.acceptSession("orders", "peek-a");
    expect((await receiver.peekMessages(10)).map((m) => m.body)).toEqual(["p1", "p2"]);
  });

  it("refuses a non-session receiver on a session queue, and a session receiver on a plain queue", async () => {
    const error = await client
      .createReceiver("orders")
      .receiveMessages(1, { maxWaitTimeInMs: 500 })
      .catch((caught: unknown) => caught);
    expect(String((error as Error).message)).toMatch(/requires sessions/);
    // The link is refused with an attach that names no session (then a detach with the reason); the SDK reads
    // the attach first and reports that it could not lock the requested session.
    const sessionError = await client.acceptSession("plain", "x").catch((caught: unknown) => caught);
    expect(errorCode(sessionError)).toBe("SessionCannotBeLocked");
    const sendError = await client
      .createSender("orders")
      .sendMessages({ body: "no session" })
      .catch((caught: unknown) => caught);
    expect(String((sendError as Error).message)).toMatch(/SessionId was not set/);
  });

  it("defers a session message and receives it back while holding the session", async () => {
    await client.createSender("orders").sendMessages({ body: "deferred", sessionId: "d" });
    const receiver = await client.acceptSession("orders", "d");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.deferMessage(message!);
    const [deferred] = await receiver.receiveDeferredMessages(message!.sequenceNumber!);
    expect(deferred?.body).toBe("deferred");
    await receiver.completeMessage(deferred!);
    expect(await receiver.peekMessages(5)).toHaveLength(0);
  });

  it("supports sessions on subscriptions", async () => {
    await client.createSender("events").sendMessages([
      { body: 1, sessionId: "t1" },
      { body: 2, sessionId: "t1" },
    ]);
    const receiver = await client.acceptNextSession("events", "ordered");
    expect(receiver.sessionId).toBe("t1");
    expect((await receiver.receiveMessages(5, { maxWaitTimeInMs: 1500 })).map((m) => m.body)).toEqual([1, 2]);
  });
});
