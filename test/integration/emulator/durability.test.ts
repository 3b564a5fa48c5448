import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusMessage, ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import { testClientOptions } from "../../helpers/emulator-fixture.js";
import {
  emulatorArgs,
  killEmulatorProcesses,
  runEmulatorProcess,
  startEmulatorProcess,
  temporaryDirectory,
  writeQueuesConfigFile,
} from "../../helpers/emulator-process.js";
import type { EmulatorProcess } from "../../helpers/emulator-process.js";

const QUEUE = "orders";
const LOCK_DURATION_MS = 5000;

/** Receives until `count` messages arrived (or `timeoutMs` passed), then returns what came. */
async function receiveAll(receiver: ServiceBusReceiver, count: number, timeoutMs = 15_000): Promise<ServiceBusReceivedMessage[]> {
  const received: ServiceBusReceivedMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  while (received.length < count && Date.now() < deadline) {
    received.push(...(await receiver.receiveMessages(count - received.length, { maxWaitTimeInMs: 2000 })));
  }
  return received;
}

function sequenceNumbers(messages: readonly ServiceBusReceivedMessage[]): number[] {
  return messages.map((message) => message.sequenceNumber?.toNumber() ?? Number.NaN).sort((a, b) => a - b);
}

function ids(messages: readonly ServiceBusReceivedMessage[]): string[] {
  return messages.map((message) => String(message.messageId)).sort();
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

describe("emulator process: durability across kill -9 and restarts", () => {
  let removeDir: () => Promise<void>;
  let dataDir: string;
  let configPath: string;
  let clients: ServiceBusClient[] = [];

  beforeEach(async () => {
    const dir = await temporaryDirectory();
    removeDir = dir.remove;
    dataDir = path.join(dir.path, "data");
    configPath = await writeQueuesConfigFile(dir.path, { [QUEUE]: { LockDuration: "PT5S", MaxDeliveryCount: 10 } });
  });

  afterEach(async () => {
    // Kill first: closing a client whose emulator is alive is quick, and one whose emulator is gone is too.
    await killEmulatorProcesses();
    await Promise.all(clients.map((client) => client.close()));
    clients = [];
    await removeDir();
  });

  async function start(): Promise<{ emulator: EmulatorProcess; client: ServiceBusClient }> {
    const emulator = await startEmulatorProcess(emulatorArgs({ dataDir, configPath }));
    const client = new ServiceBusClient(emulator.connectionString, testClientOptions);
    clients.push(client);
    return { emulator, client };
  }

  async function crash(emulator: EmulatorProcess): Promise<void> {
    const exit = await emulator.kill("SIGKILL");
    expect(exit.signal).toBe("SIGKILL");
  }

  it("keeps every acknowledged message through kill -9: all 200, each once, bodies intact, numbered 1..200", async () => {
    const { emulator, client } = await start();
    const sender = client.createSender(QUEUE);
    const expected = range(0, 199).map(
      (index): ServiceBusMessage => ({
        messageId: `msg-${index}`,
        body: { index, text: `message number ${index}`, padding: "x".repeat((index * 13) % 200) },
        applicationProperties: { index },
      }),
    );
    // 50 single sends, 5 arrays of 10, 4 batches of 25, all in flight at once.
    const singles = expected.slice(0, 50);
    const arrays = range(0, 4).map((part) => expected.slice(50 + part * 10, 60 + part * 10));
    const batches = await Promise.all(
      range(0, 3).map(async (part) => {
        const batch = await sender.createMessageBatch();
        for (const message of expected.slice(100 + part * 25, 125 + part * 25)) {
          if (!batch.tryAddMessage(message)) throw new Error("the batch is full");
        }
        return batch;
      }),
    );
    await Promise.all([
      ...singles.map((message) => sender.sendMessages(message)),
      ...arrays.map((messages) => sender.sendMessages(messages)),
      ...batches.map((batch) => sender.sendMessages(batch)),
    ]);
    await crash(emulator);

    const { client: after } = await start();
    const receiver = after.createReceiver(QUEUE, { receiveMode: "receiveAndDelete" });
    const received = await receiveAll(receiver, 200);
    expect(await receiver.receiveMessages(10, { maxWaitTimeInMs: 500 })).toEqual([]);
    expect(received).toHaveLength(200);
    expect(new Set(ids(received)).size).toBe(200);
    expect(ids(received)).toEqual(expected.map((message) => String(message.messageId)).sort());
    const byId = new Map(expected.map((message) => [message.messageId, message]));
    for (const message of received) {
      const original = byId.get(message.messageId);
      expect(message.body, String(message.messageId)).toEqual(original?.body);
      expect(message.applicationProperties).toEqual(original?.applicationProperties);
    }
    expect(sequenceNumbers(received)).toEqual(range(1, 200));

    // Numbers keep increasing across the restart.
    await after.createSender(QUEUE).sendMessages({ messageId: "after-restart", body: "one more" });
    const [next] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(next?.messageId).toBe("after-restart");
    expect(next?.sequenceNumber?.toNumber()).toBe(201);
  });

  it("keeps numbering after a restart even when every message had been removed", async () => {
    const { emulator, client } = await start();
    await client.createSender(QUEUE).sendMessages([{ body: 1 }, { body: 2 }, { body: 3 }]);
    const receiver = client.createReceiver(QUEUE, { receiveMode: "receiveAndDelete" });
    expect(sequenceNumbers(await receiveAll(receiver, 3))).toEqual([1, 2, 3]);
    // A management reply is sent after the next commit, so the removals are durable once the peek answers.
    expect(await receiver.peekMessages(10)).toEqual([]);
    await crash(emulator);

    const { client: after } = await start();
    await after.createSender(QUEUE).sendMessages({ body: 4 });
    const [message] = await after.createReceiver(QUEUE, { receiveMode: "receiveAndDelete" }).receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message?.body).toBe(4);
    expect(message?.sequenceNumber?.toNumber()).toBe(4);
  });

  it("releases the locks held at a crash: peek-locked messages are receivable again at once, delivery count unchanged", async () => {
    const { emulator, client } = await start();
    await client.createSender(QUEUE).sendMessages(range(1, 5).map((index) => ({ messageId: `locked-${index}`, body: index })));
    const locked = await receiveAll(client.createReceiver(QUEUE), 5);
    expect(locked).toHaveLength(5);
    const lockedUntil = Math.min(...locked.map((message) => message.lockedUntilUtc?.getTime() ?? 0));
    expect(lockedUntil).toBeGreaterThan(Date.now());
    await crash(emulator);

    const { client: after } = await start();
    const receiver = after.createReceiver(QUEUE);
    const again = await receiveAll(receiver, 5, LOCK_DURATION_MS);
    const receivedAt = Date.now();
    expect(ids(again)).toEqual(ids(locked));
    // Before the old locks would have run out: the restart released them, no lock timer did.
    expect(receivedAt).toBeLessThan(lockedUntil);
    expect(again.map((message) => message.deliveryCount)).toEqual([0, 0, 0, 0, 0]);
    const oldTokens = new Set(locked.map((message) => message.lockToken));
    for (const message of again) expect(oldTokens.has(message.lockToken)).toBe(false);
    for (const message of again) await receiver.completeMessage(message);
    expect(await receiver.peekMessages(10)).toEqual([]);
  });

  it("keeps a completed message completed after kill -9 (complete resolves only after the commit)", async () => {
    const { emulator, client } = await start();
    await client.createSender(QUEUE).sendMessages(range(1, 10).map((index) => ({ messageId: `m-${index}`, body: index })));
    const receiver = client.createReceiver(QUEUE);
    const received = await receiveAll(receiver, 10);
    expect(received).toHaveLength(10);
    const toComplete = received.filter((message) => Number(message.body) % 2 === 0);
    await Promise.all(toComplete.map((message) => receiver.completeMessage(message)));
    await crash(emulator);

    const { client: after } = await start();
    const afterReceiver = after.createReceiver(QUEUE, { receiveMode: "receiveAndDelete" });
    const left = await receiveAll(afterReceiver, 5);
    expect(await afterReceiver.receiveMessages(10, { maxWaitTimeInMs: 500 })).toEqual([]);
    expect(left.map((message) => message.body).sort((a, b) => Number(a) - Number(b))).toEqual([1, 3, 5, 7, 9]);
  });

  it("keeps dead-lettered, deferred and abandoned messages in their new state after kill -9", async () => {
    const { emulator, client } = await start();
    await client.createSender(QUEUE).sendMessages([
      { messageId: "dead", body: "dead" },
      { messageId: "deferred", body: "deferred" },
      { messageId: "abandoned", body: "abandoned", applicationProperties: { kept: "yes" } },
    ]);
    const receiver = client.createReceiver(QUEUE);
    const received = await receiveAll(receiver, 3);
    const byId = new Map(received.map((message) => [message.messageId, message]));
    const deferred = byId.get("deferred");
    await receiver.deadLetterMessage(byId.get("dead") as ServiceBusReceivedMessage, { deadLetterReason: "Broken", deadLetterErrorDescription: "cannot parse" });
    await receiver.deferMessage(deferred as ServiceBusReceivedMessage);
    await receiver.abandonMessage(byId.get("abandoned") as ServiceBusReceivedMessage, { abandonCount: 1 });
    await crash(emulator);

    const { client: after } = await start();
    const [dead] = await after.createReceiver(QUEUE, { subQueueType: "deadLetter" }).receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(dead?.messageId).toBe("dead");
    expect(dead?.deadLetterReason).toBe("Broken");
    expect(dead?.deadLetterErrorDescription).toBe("cannot parse");

    const afterReceiver = after.createReceiver(QUEUE);
    const active = await afterReceiver.receiveMessages(5, { maxWaitTimeInMs: 2000 });
    expect(active.map((message) => message.messageId)).toEqual(["abandoned"]);
    expect(active[0]?.deliveryCount).toBe(1);
    expect(active[0]?.applicationProperties).toEqual({ kept: "yes", abandonCount: 1 });

    const [fromDeferral] = await afterReceiver.receiveDeferredMessages(deferred?.sequenceNumber as NonNullable<ServiceBusReceivedMessage["sequenceNumber"]>);
    expect(fromDeferral?.messageId).toBe("deferred");
    expect(fromDeferral?.state).toBe("deferred");
  });

  it("keeps a scheduled message through kill -9 and delivers it at its time, not before", async () => {
    const { emulator, client } = await start();
    // Far enough ahead that a restart on a loaded machine still finds the message scheduled.
    const dueAt = new Date(Date.now() + 8000);
    const [sequenceNumber] = await client.createSender(QUEUE).scheduleMessages({ messageId: "later", body: "later" }, dueAt);
    await crash(emulator);

    const { client: after } = await start();
    const receiver = after.createReceiver(QUEUE, { receiveMode: "receiveAndDelete" });
    const peekedBeforeDue = Date.now() < dueAt.getTime();
    const [peeked] = await receiver.peekMessages(1);
    expect(peeked?.messageId).toBe("later");
    expect(peeked?.sequenceNumber?.toNumber()).toBe(sequenceNumber?.toNumber());
    if (peekedBeforeDue) expect(peeked?.state).toBe("scheduled");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 20_000 });
    expect(message?.messageId).toBe("later");
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt.getTime());
  });

  it("shuts down cleanly on SIGTERM with exit code 0, keeping what it accepted", async () => {
    const { emulator, client } = await start();
    await client.createSender(QUEUE).sendMessages({ messageId: "kept", body: "kept" });
    const exit = await emulator.kill("SIGTERM");
    expect(exit).toEqual({ code: 0, signal: null });
    expect(emulator.stderr()).not.toMatch(/shutdown failed|could not/);

    const { client: after } = await start();
    const [message] = await after.createReceiver(QUEUE, { receiveMode: "receiveAndDelete" }).receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message?.messageId).toBe("kept");
  });

  it("shuts down cleanly on SIGINT with exit code 0", async () => {
    const { emulator } = await start();
    expect(await emulator.kill("SIGINT")).toEqual({ code: 0, signal: null });
  });

  it("prints its connection string and entities on start", async () => {
    const { emulator, client } = await start();
    expect(emulator.connectionString).toBe(
      `Endpoint=sb://127.0.0.1:${emulator.port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;`,
    );
    expect(emulator.stdout()).toContain(`durable store in ${dataDir}`);
    expect(emulator.stdout()).toContain(`Entities: ${QUEUE}`);
    await client.createSender(QUEUE).sendMessages({ body: "reachable" });
  });

  it("exits with code 2 and names the field when --config holds an unknown field", async () => {
    const dir = path.dirname(configPath);
    const badConfig = await writeQueuesConfigFile(dir, { [QUEUE]: { LockDuration: "PT5S", Colour: "blue" } }, "Bad.json");
    const result = await runEmulatorProcess(emulatorArgs({ dataDir, configPath: badConfig }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("UserConfig.Namespaces[0].Queues[0].Properties.Colour");
    expect(result.stderr).toContain("Bad.json");
    expect(result.stdout).not.toContain("Connection string:");
  });
});
