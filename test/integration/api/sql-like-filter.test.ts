import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { ExposedEntities } from "../../../api/src/config/exposed-entities.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { onlyMessage } from "../../helpers/api-messages.js";

const ENTITIES: ExposedEntities = {
  queues: ["orders"],
  topics: [{ name: "events", subscriptions: ["billing", "audit"], allSubscriptions: true }],
};

/** Below this many milliseconds a round is too short for a ratio to mean anything. */
const FLOOR_IN_MS = 300;
const MAX_RATIO = 20;
const SENDS_PER_ROUND = 5;

describe("API: a subscription with a pathological SQL LIKE filter does not stall the process", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(undefined, { entities: ENTITIES, withAdmin: true });
  });
  afterEach(async () => fixture.close());

  async function timeSends(): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < SENDS_PER_ROUND; i += 1) {
      const sent = await fixture.api.request("POST", "/entities/events/messages", { body: { body: "guid", messageId: randomUUID() } });
      expect(sent.status).toBe(201);
    }
    return performance.now() - started;
  }

  async function withSubscription(name: string, sqlFilter: string, run: () => Promise<void>): Promise<void> {
    const path = `/topics/events/subscriptions/${name}`;
    expect((await fixture.api.request("PUT", path, { body: { sqlFilter } })).status).toBe(201);
    await run();
    expect((await fixture.api.request("DELETE", path)).status).toBe(204);
  }

  it("sends to the topic about as fast as with a plain = filter (8, 12, 16, 32 pairs of %_), and /healthz answers", async () => {
    await withSubscription("warm-up", `sys.MessageId = '${randomUUID()}'`, async () => void (await timeSends()));
    for (const pairs of [8, 12, 16, 32]) {
      let plainInMs = 0;
      await withSubscription(`plain-${pairs}`, `sys.MessageId = '${randomUUID()}'`, async () => {
        plainInMs = await timeSends();
      });
      await withSubscription(`like-${pairs}`, `sys.MessageId LIKE '${"%_".repeat(pairs)}!'`, async () => {
        const likeInMs = await timeSends();
        expect(likeInMs, `${pairs} pairs: ${likeInMs.toFixed(1)} ms against ${plainInMs.toFixed(1)} ms for =`).toBeLessThan(
          Math.max(MAX_RATIO * plainInMs, FLOOR_IN_MS),
        );
        expect((await fixture.api.request("GET", "/healthz", { key: null })).status).toBe(200);

        const matchingId = `${"x".repeat(pairs)}!`;
        expect((await fixture.api.request("POST", "/entities/events/messages", { body: { body: "matches", messageId: matchingId } })).status).toBe(201);
        const received = onlyMessage((await fixture.api.request("POST", `/topics/events/subscriptions/like-${pairs}/receive?maxWaitSeconds=3`)).body);
        expect(received.messageId).toBe(matchingId);
      });
    }
  });
});
