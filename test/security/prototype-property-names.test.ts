/**
 * An application property named `__proto__` cannot survive a trip through JavaScript clients (the SDK's
 * AMQP decoder assigns it, which sets a prototype instead of adding a property): it used to vanish silently
 * on send and on settlement with propertiesToModify. It is refused with 400 ValidationFailed naming it. The
 * same key inside a JSON message body is data and still round-trips.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiFixture } from "../helpers/api-fixture.js";
import type { ApiFixture } from "../helpers/api-fixture.js";
import { messagesOf } from "../helpers/api-messages.js";

describe("security: an application property named __proto__", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture(undefined, {
      withAdmin: true,
      entities: { queues: ["orders"], topics: [{ name: "events", subscriptions: ["audit"], allSubscriptions: true }] },
    });
  });
  afterAll(async () => fixture?.close());

  it.each([
    ["POST", "/entities/orders/messages", '{"body":1,"applicationProperties":{"a":1,"__proto__":"x"}}', "/applicationProperties/__proto__"],
    [
      "POST",
      "/entities/orders/messages/batch",
      '{"messages":[{"body":1},{"body":2,"applicationProperties":{"__proto__":"x"}}]}',
      "/messages/1/applicationProperties/__proto__",
    ],
    ["POST", `/queues/orders/locks/${randomUUID()}/abandon`, '{"propertiesToModify":{"__proto__":"y"}}', "/propertiesToModify/__proto__"],
    [
      "POST",
      `/queues/orders/locks/${randomUUID()}/dead-letter`,
      '{"deadLetterReason":"r","propertiesToModify":{"__proto__":1}}',
      "/propertiesToModify/__proto__",
    ],
    [
      "PUT",
      "/topics/events/subscriptions/proto",
      '{"correlationFilter":{"applicationProperties":{"__proto__":"z"}}}',
      "/correlationFilter/applicationProperties/__proto__",
    ],
  ])("%s %s is a 400 naming the property", async (method, path, rawBody, field) => {
    const response = await fixture.api.request(method, path, { rawBody });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: "ValidationFailed", errors: { body: [{ field }] } });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("nothing was sent, and a __proto__ key in a message body is data that round-trips", async () => {
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek?maxMessages=10")).body)).toEqual([]);
    const sent = await fixture.api.request("POST", "/entities/orders/messages", {
      rawBody: '{"body":{"__proto__":{"kept":true},"n":1},"applicationProperties":{"kind":"data"}}',
    });
    expect(sent.status).toBe(201);
    const [peeked] = messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body);
    expect(JSON.stringify(peeked?.body)).toBe('{"__proto__":{"kept":true},"n":1}');
    expect(peeked?.applicationProperties).toEqual({ kind: "data" });
  });
});
