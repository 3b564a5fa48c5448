/**
 * Sequence numbers are signed 64-bit integers. A larger one (fromSequenceNumber=9999999999999999999) used to
 * wrap around in the SDK's 64-bit conversion and peek from the start; it is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf } from "../../helpers/api-messages.js";

describe("API: sequence numbers beyond the 64-bit range", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture();
    await fixture.api.request("POST", "/entities/orders/messages", { body: { body: "first" } });
  });
  afterAll(async () => fixture?.close());

  it.each(["9223372036854775808", "9999999999999999999"])("refuses fromSequenceNumber=%s with 400", async (value) => {
    const peeked = await fixture.api.request("GET", `/queues/orders/peek?fromSequenceNumber=${value}`);
    expect(peeked.status).toBe(400);
    expect(peeked.body).toMatchObject({ code: "ValidationFailed", errors: { query: [{ field: "/fromSequenceNumber" }] } });
  });

  it("peeks nothing from the largest sequence number, and the message from 1", async () => {
    const fromMax = await fixture.api.request("GET", "/queues/orders/peek?fromSequenceNumber=9223372036854775807");
    expect(fromMax.status).toBe(200);
    expect(messagesOf(fromMax.body)).toEqual([]);
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek?fromSequenceNumber=1")).body).map((message) => message.body)).toEqual(["first"]);
  });

  it("refuses sequence numbers beyond the range in bodies", async () => {
    const deferred = await fixture.api.request("POST", "/queues/orders/deferred/receive", { body: { sequenceNumbers: ["9999999999999999999"] } });
    expect(deferred.status).toBe(400);
    expect(deferred.body).toMatchObject({ code: "ValidationFailed", errors: { body: [{ field: "/sequenceNumbers/0" }] } });
  });
});
