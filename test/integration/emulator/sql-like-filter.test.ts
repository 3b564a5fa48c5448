import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { ServiceBusClient, ServiceBusSender } from "@azure/service-bus";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { startEmulatorWithClient } from "../../helpers/emulator-fixture.js";

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [{ Name: "sbemulatorns", Queues: [], Topics: [{ Name: "events", Subscriptions: [{ Name: "filtered" }] }] }],
  },
});

/** `%_%_…%_!`: exponential for a backtracking regular expression on a text without `!`. */
function pathologicalPattern(pairs: number): string {
  return `${"%_".repeat(pairs)}!`;
}

/** Below this many milliseconds a round is too short for a ratio to mean anything. */
const FLOOR_IN_MS = 150;
const MAX_RATIO = 20;
const SENDS_PER_ROUND = 5;

describe("emulator: SQL LIKE filters match in time linear in the pattern, whatever its wildcards", () => {
  let client: ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, close } = await startEmulatorWithClient({ config }));
  });
  afterEach(async () => close());

  async function useFilter(sqlExpression: string): Promise<void> {
    const rules = client.createRuleManager("events", "filtered");
    const existing: string[] = [];
    for await (const rule of rules.listRules()) existing.push(rule.name);
    for (const name of existing) await rules.deleteRule(name);
    await rules.createRule("only", { sqlExpression });
  }

  /** Milliseconds to send {@link SENDS_PER_ROUND} messages with GUID ids, one at a time (each is filtered on arrival). */
  async function timeSends(sender: ServiceBusSender): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < SENDS_PER_ROUND; i += 1) await sender.sendMessages({ body: "guid", messageId: randomUUID() });
    return performance.now() - started;
  }

  it("filters with %_%_…%_! patterns (8, 12, 16, 32 pairs) about as fast as with a plain = filter, and still matches", async () => {
    const sender = client.createSender("events");
    const receiver = client.createReceiver("events", "filtered", { receiveMode: "receiveAndDelete" });
    await useFilter(`sys.MessageId = '${randomUUID()}'`);
    await timeSends(sender); // warm the link and the code paths
    for (const pairs of [8, 12, 16, 32]) {
      const pattern = pathologicalPattern(pairs);
      await useFilter(`sys.MessageId = '${randomUUID()}'`);
      const plainInMs = await timeSends(sender);
      await useFilter(`sys.MessageId LIKE '${pattern}'`);
      const likeInMs = await timeSends(sender);
      expect(likeInMs, `${pairs} pairs: ${likeInMs.toFixed(1)} ms against ${plainInMs.toFixed(1)} ms for =`).toBeLessThan(
        Math.max(MAX_RATIO * plainInMs, FLOOR_IN_MS),
      );

      const matchingId = `${"x".repeat(pairs)}!`;
      await sender.sendMessages({ body: "matches", messageId: matchingId });
      const received = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
      expect(received.map((message) => message.messageId)).toEqual([matchingId]);
    }
  });
});
