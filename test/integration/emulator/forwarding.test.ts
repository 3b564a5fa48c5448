import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ServiceBusClient } from "@azure/service-bus";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import type { Emulator } from "../../../emulator/src/create-emulator.js";
import { startEmulatorWithClient } from "../../helpers/emulator-fixture.js";

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [
          { Name: "inbox", Properties: { ForwardTo: "router" } },
          { Name: "final" },
          { Name: "poison-sink" },
          { Name: "worker", Properties: { MaxDeliveryCount: 1, ForwardDeadLetteredMessagesTo: "poison-sink" } },
          { Name: "hop1", Properties: { ForwardTo: "hop2" } },
          { Name: "hop2", Properties: { ForwardTo: "hop3" } },
          { Name: "hop3", Properties: { ForwardTo: "hop4" } },
          { Name: "hop4", Properties: { ForwardTo: "hop5" } },
          { Name: "hop5", Properties: { ForwardTo: "final" } },
          { Name: "to-session", Properties: { ForwardTo: "sessions" } },
          { Name: "sessions", Properties: { RequiresSession: true } },
        ],
        Topics: [{ Name: "router", Subscriptions: [{ Name: "to-final", Properties: { ForwardTo: "final" } }] }],
      },
    ],
  },
});

describe("emulator: ForwardTo and ForwardDeadLetteredMessagesTo with the real SDK", () => {
  let client: ServiceBusClient;
  let emulator: Emulator;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, emulator, close } = await startEmulatorWithClient({ config }));
  });
  afterEach(async () => close());

  it("forwards a chain queue -> topic -> subscription -> queue", async () => {
    await client.createSender("inbox").sendMessages({ body: "chained", messageId: "c-1", applicationProperties: { kept: true } });
    const [message] = await client.createReceiver("final").receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(message?.body).toBe("chained");
    expect(message?.messageId).toBe("c-1");
    expect(message?.applicationProperties).toEqual({ kept: true });
    expect(await client.createReceiver("inbox").peekMessages(5)).toHaveLength(0);
  });

  it("forwards dead-lettered messages to another queue, naming their source", async () => {
    await client.createSender("worker").sendMessages({ body: "fails" });
    const receiver = client.createReceiver("worker");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    await receiver.abandonMessage(message!);
    const [forwarded] = await client.createReceiver("poison-sink").receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(forwarded?.body).toBe("fails");
    expect(forwarded?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    expect(forwarded?.deadLetterSource).toBe("worker");
    expect(await client.createReceiver("worker", { subQueueType: "deadLetter" }).peekMessages(5)).toHaveLength(0);
  });

  it("puts messages that exceed four forwarding hops in the transfer dead-letter queue", async () => {
    await client.createSender("hop1").sendMessages({ body: "too far" });
    expect(await client.createReceiver("final").peekMessages(5)).toHaveLength(0);
    const stuck = await client.createReceiver("hop5", { subQueueType: "transferDeadLetter" }).receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(stuck.map((m) => m.body)).toEqual(["too far"]);
    expect(stuck[0]?.deadLetterReason).toBe("MaxTransferHopCountExceeded");
  });

  it("puts a message the target refuses in the source's transfer dead-letter queue", async () => {
    await client.createSender("to-session").sendMessages({ body: "no session id" });
    const [stuck] = await client.createReceiver("to-session", { subQueueType: "transferDeadLetter" }).receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(stuck?.body).toBe("no session id");
    expect(stuck?.deadLetterReason).toBe("TransferFailed");
    expect(stuck?.deadLetterErrorDescription).toMatch(/SessionId was not set/);
    expect(emulator.broker.resolve("to-session/$Transfer/$DeadLetterQueue").queue.counts().total).toBe(1);
  });
});
