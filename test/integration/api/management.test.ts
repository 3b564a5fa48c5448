import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExposedEntities } from "../../../api/src/config/exposed-entities.js";
import { TEST_KEYS, startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf, onlyMessage } from "../../helpers/api-messages.js";

/** `events` exposes all its subscriptions; `notices` only the configured one. */
const ENTITIES: ExposedEntities = {
  queues: ["orders", "short-lock"],
  topics: [{ name: "events", subscriptions: ["billing", "audit"], allSubscriptions: true }],
};

interface ListBody {
  value: Array<Record<string, unknown> & { name: string }>;
}

describe("API: subscription management and backlog counts", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(undefined, { entities: ENTITIES, withAdmin: true });
  });
  afterEach(async () => fixture.close());

  const subscription = (name: string) => `/topics/events/subscriptions/${name}`;

  it("creates a subscription with a correlation filter, routes to it, lists it and deletes it", async () => {
    const created = await fixture.api.request("PUT", subscription("vip"), {
      body: { correlationFilter: { applicationProperties: { tier: "vip" } }, maxDeliveryCount: 3, lockDurationSeconds: 30 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ topic: "events", name: "vip", requiresSession: false, maxDeliveryCount: 3, lockDurationSeconds: 30 });

    await fixture.api.request("POST", "/entities/events/messages", { body: { body: "gold", applicationProperties: { tier: "vip" } } });
    await fixture.api.request("POST", "/entities/events/messages", { body: { body: "plain", applicationProperties: { tier: "basic" } } });
    const received = onlyMessage((await fixture.api.request("POST", `${subscription("vip")}/receive?maxWaitSeconds=2`)).body);
    expect(received.body).toBe("gold");
    expect((await fixture.api.request("POST", `${subscription("vip")}/locks/${received.lockToken}/complete`)).status).toBe(204);

    const listed = (await fixture.api.request("GET", "/topics/events/subscriptions")).body as ListBody;
    expect(listed.value.map((each) => each.name)).toEqual(["billing", "audit", "vip"]);
    expect(listed.value.find((each) => each.name === "audit")).toMatchObject({ topic: "events", activeMessageCount: 2, deadLetterMessageCount: 0 });

    expect((await fixture.api.request("DELETE", subscription("vip"))).status).toBe(204);
    expect((await fixture.api.request("GET", `${subscription("vip")}/peek`)).status).toBe(404);
    expect(((await fixture.api.request("GET", "/topics/events/subscriptions")).body as ListBody).value.map((each) => each.name)).toEqual(["billing", "audit"]);
    expect((await fixture.api.request("DELETE", subscription("vip"))).status).toBe(404);
  });

  it("creates a subscription with a SQL filter and a SQL action", async () => {
    const created = await fixture.api.request("PUT", subscription("large"), {
      body: { sqlFilter: "amount > 100", sqlAction: "SET priority = 'high'", ruleName: "large-orders" },
    });
    expect(created.status).toBe(201);
    await fixture.api.request("POST", "/entities/events/messages", { body: { body: "small", applicationProperties: { amount: 5 } } });
    await fixture.api.request("POST", "/entities/events/messages", { body: { body: "big", applicationProperties: { amount: 500 } } });
    const peeked = messagesOf((await fixture.api.request("GET", `${subscription("large")}/peek`)).body);
    expect(peeked.map((message) => [message.body, (message.applicationProperties as Record<string, unknown> | undefined)?.["priority"]])).toEqual([
      ["big", "high"],
    ]);
  });

  it("answers 409 for an existing subscription and 400 for a bad filter", async () => {
    // A subscription created through the API (configured ones answer SubscriptionIsConfigured: test/security/configured-subscriptions.test.ts).
    expect((await fixture.api.request("PUT", subscription("existing"))).status).toBe(201);
    const existing = await fixture.api.request("PUT", subscription("existing"));
    expect(existing.status).toBe(409);
    expect(existing.body).toMatchObject({ code: "MessagingEntityAlreadyExists" });
    const badSql = await fixture.api.request("PUT", subscription("broken"), { body: { sqlFilter: "amount >" } });
    expect(badSql.status).toBe(400);
    expect(badSql.body).toMatchObject({ code: "ValidationFailed" });
    const both = await fixture.api.request("PUT", subscription("both"), { body: { sqlFilter: "1=1", correlationFilter: { subject: "x" } } });
    expect(both.status).toBe(400);
  });

  it("needs the manage scope, an exposed topic and a topic that exposes all its subscriptions", async () => {
    expect((await fixture.api.request("PUT", subscription("nope"), { key: TEST_KEYS.sender })).status).toBe(403);
    expect((await fixture.api.request("PUT", "/topics/unknown/subscriptions/nope")).status).toBe(404);
    const fixed = await fixture.startAnotherInstanceWith({ entities: { queues: ["orders"], topics: [{ name: "events", subscriptions: ["billing"] }] } });
    const refused = await fixed.request("PUT", subscription("nope"));
    expect(refused.status).toBe(403);
    expect((refused.body as { detail: string }).detail).toMatch(/"\*"/);
  });

  it("lists queues, topics and send entities with backlog counts for keys of scope manage only", async () => {
    await fixture.api.request("POST", "/entities/orders/messages", { body: { body: 1 } });
    await fixture.api.request("POST", "/entities/orders/messages", { body: { body: 2 } });
    const received = onlyMessage((await fixture.api.request("POST", "/queues/orders/receive?maxMessages=1&maxWaitSeconds=2")).body);
    await fixture.api.request("POST", `/queues/orders/locks/${received.lockToken}/dead-letter`);
    await fixture.api.request("POST", "/entities/orders/scheduled-messages", {
      body: { scheduledEnqueueTimeUtc: new Date(Date.now() + 3_600_000).toISOString(), messages: [{ body: "later" }] },
    });

    const queues = (await fixture.api.request("GET", "/queues")).body as ListBody;
    expect(queues.value.find((each) => each.name === "orders")).toMatchObject({ activeMessageCount: 1, deadLetterMessageCount: 1, scheduledMessageCount: 1 });
    const topics = (await fixture.api.request("GET", "/topics")).body as ListBody;
    expect(topics.value).toEqual([{ name: "events", scheduledMessageCount: 0 }]);
    const sendEntities = (await fixture.api.request("GET", "/send-entities")).body as ListBody;
    expect(sendEntities.value.find((each) => each.name === "orders")).toMatchObject({ kind: "queue", activeMessageCount: 1 });

    const forListener = (await fixture.api.request("GET", "/queues", { key: TEST_KEYS.ordersListener })).body as ListBody;
    expect(forListener.value).toEqual([{ name: "orders" }]);
  });
});

describe("API: lists without the management API", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(undefined, { entities: ENTITIES });
  });
  afterEach(async () => fixture.close());

  it("lists without counts and answers 503 to management operations", async () => {
    expect(((await fixture.api.request("GET", "/queues")).body as ListBody).value).toEqual([{ name: "orders" }, { name: "short-lock" }]);
    expect(((await fixture.api.request("GET", "/topics/events/subscriptions")).body as ListBody).value).toEqual([
      { name: "billing", topic: "events" },
      { name: "audit", topic: "events" },
    ]);
    const create = await fixture.api.request("PUT", "/topics/events/subscriptions/new");
    expect(create.status).toBe(503);
  });
});
