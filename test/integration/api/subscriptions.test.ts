import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf, onlyMessage } from "../../helpers/api-messages.js";

describe("API: topics and subscriptions", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture();
  });
  afterEach(async () => fixture.close());

  const billing = "/topics/events/subscriptions/billing";
  const audit = "/topics/events/subscriptions/audit";

  it("routes a topic message to the subscriptions whose rules match", async () => {
    await fixture.api.request("POST", "/entities/events/messages", {
      body: { body: { orderId: "1" }, applicationProperties: { eventType: "OrderSubmitted" } },
    });
    await fixture.api.request("POST", "/entities/events/messages", { body: { body: { caseId: "9" }, applicationProperties: { eventType: "CaseSync" } } });
    expect(messagesOf((await fixture.api.request("GET", `${billing}/peek`)).body).map((m) => m.body)).toEqual([{ orderId: "1" }]);
    expect(messagesOf((await fixture.api.request("GET", `${audit}/peek`)).body).map((m) => m.body)).toEqual([{ orderId: "1" }, { caseId: "9" }]);
  });

  it("receives, abandons, dead-letters, resubmits and completes in a subscription", async () => {
    await fixture.api.request("POST", "/entities/events/messages", { body: { body: "e1", applicationProperties: { eventType: "OrderSubmitted" } } });
    const first = onlyMessage((await fixture.api.request("POST", `${billing}/receive?maxWaitSeconds=3`)).body);
    expect((await fixture.api.request("POST", `${billing}/locks/${first.lockToken}/abandon`)).status).toBe(204);
    const second = onlyMessage((await fixture.api.request("POST", `${billing}/receive?maxWaitSeconds=3`)).body);
    expect(second.deliveryCount).toBe(2);
    expect((await fixture.api.request("POST", `${billing}/locks/${second.lockToken}/dead-letter`, { body: { deadLetterReason: "Bad" } })).status).toBe(204);
    const dead = onlyMessage((await fixture.api.request("GET", `${billing}/peek?subQueue=deadLetter`)).body);
    expect(dead.deadLetterReason).toBe("Bad");

    const resubmitted = await fixture.api.request("POST", `${billing}/dead-letters/resubmit`, { body: { sequenceNumbers: [dead.sequenceNumber] } });
    expect((resubmitted.body as { resubmitted: unknown[] }).resubmitted).toHaveLength(1);
    // Resubmission goes to the topic, so the audit subscription gets a second copy.
    expect(messagesOf((await fixture.api.request("GET", `${audit}/peek`)).body)).toHaveLength(2);
    const third = onlyMessage((await fixture.api.request("POST", `${billing}/receive?maxWaitSeconds=3`)).body);
    expect(third).toMatchObject({ body: "e1", deliveryCount: 1 });
    expect((await fixture.api.request("POST", `${billing}/locks/${third.lockToken}/complete`)).status).toBe(204);
  });

  it("defers and receives deferred messages in a subscription, and renews their locks", async () => {
    await fixture.api.request("POST", "/entities/events/messages", { body: { body: "later" } });
    const message = onlyMessage((await fixture.api.request("POST", `${audit}/receive?maxWaitSeconds=3`)).body);
    expect((await fixture.api.request("POST", `${audit}/locks/${message.lockToken}/defer`)).status).toBe(204);
    const deferred = onlyMessage(
      (await fixture.api.request("POST", `${audit}/deferred/receive`, { body: { sequenceNumbers: [message.sequenceNumber] } })).body,
    );
    expect((await fixture.api.request("POST", `${audit}/locks/${deferred.lockToken}/renew`)).status).toBe(200);
    expect((await fixture.api.request("POST", `${audit}/locks/${deferred.lockToken}/complete`)).status).toBe(204);
  });

  it("completes a subscription lock token through a second API instance", async () => {
    await fixture.api.request("POST", "/entities/events/messages", { body: { body: "x" } });
    const message = onlyMessage((await fixture.api.request("POST", `${audit}/receive?maxWaitSeconds=3`)).body);
    const second = await fixture.startAnotherInstance();
    expect((await second.request("POST", `${audit}/locks/${message.lockToken}/complete`)).status).toBe(204);
    expect(messagesOf((await second.request("GET", `${audit}/peek`)).body)).toEqual([]);
  });
});

describe("API: listing", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture();
  });
  afterEach(async () => fixture.close());

  it("lists exposed queues, topics, subscriptions and send entities, never hidden ones", async () => {
    expect((await fixture.api.request("GET", "/queues")).body).toEqual({ value: [{ name: "orders" }, { name: "short-lock" }] });
    expect((await fixture.api.request("GET", "/topics")).body).toEqual({ value: [{ name: "events" }] });
    expect((await fixture.api.request("GET", "/topics/events/subscriptions")).body).toEqual({
      value: [
        { name: "billing", topic: "events" },
        { name: "audit", topic: "events" },
      ],
    });
    expect((await fixture.api.request("GET", "/send-entities")).body).toEqual({
      value: [
        { name: "orders", kind: "queue" },
        { name: "short-lock", kind: "queue" },
        { name: "events", kind: "topic" },
      ],
    });
  });

  it("lists only what a key's allow-list covers", async () => {
    const key = "test-orders-listen-key";
    expect((await fixture.api.request("GET", "/queues", { key })).body).toEqual({ value: [{ name: "orders" }] });
    expect((await fixture.api.request("GET", "/topics", { key })).body).toEqual({ value: [] });
    expect((await fixture.api.request("GET", "/send-entities", { key })).body).toEqual({ value: [{ name: "orders", kind: "queue" }] });
    // A topic the key may use nothing of looks like one that does not exist.
    expect((await fixture.api.request("GET", "/topics/events/subscriptions", { key })).status).toBe(404);
  });

  it("returns 404 for the subscriptions of a topic that is not exposed", async () => {
    expect((await fixture.api.request("GET", "/topics/nope/subscriptions")).status).toBe(404);
  });
});
