import { describe, expect, it } from "vitest";
import { findSubscription } from "../../../../api/src/config/exposed-entities.js";
import { loadConfig } from "../../../../api/src/config/load-config.js";

describe("topics that expose all their subscriptions", () => {
  const entities = {
    queues: [],
    topics: [
      { name: "events", subscriptions: ["billing"], allSubscriptions: true },
      { name: "fixed", subscriptions: ["a"] },
    ],
  };

  it("resolves any subscription name of such a topic, and only configured ones of others", () => {
    expect(findSubscription(entities, "Events", "BILLING")).toEqual({ kind: "subscription", topic: "events", subscription: "billing" });
    expect(findSubscription(entities, "events", "created-later")).toEqual({ kind: "subscription", topic: "events", subscription: "created-later" });
    expect(findSubscription(entities, "fixed", "b")).toBeUndefined();
  });

  it('reads "*" among a topic\'s subscriptions and the session idle time from the config file', () => {
    const file = {
      entities: {
        topics: [
          { name: "events", subscriptions: ["billing", "*"] },
          { name: "fixed", subscriptions: ["a"] },
        ],
      },
      sessions: { idleReleaseSeconds: 15 },
    };
    const config = loadConfig({ CONFIG_FILE: "c.json" }, () => JSON.stringify(file), "/app");
    expect(config.entities.topics).toEqual([
      { name: "events", subscriptions: ["billing"], allSubscriptions: true },
      { name: "fixed", subscriptions: ["a"] },
    ]);
    expect(config.sessionIdleReleaseInMs).toBe(15_000);
    expect(loadConfig({}, () => "", "/app").sessionIdleReleaseInMs).toBe(60_000);
  });
});
