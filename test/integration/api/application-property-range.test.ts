/**
 * Application property numbers travel as AMQP 64-bit integers when they are whole (found by probing the
 * send operations: 1e300 failed the send as a 500 when rhea tried to encode it as a ulong), and the SDK reads
 * them back as numbers only up to 2^53: the API takes JavaScript's safe integers and fractions within them.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf } from "../../helpers/api-messages.js";

describe("API: application property numbers", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture();
  });
  afterEach(async () => fixture.close());

  it.each([1e300, 2 ** 53, -(2 ** 53), 1.5e300])("refuses %d with 400 naming the property, sending nothing", async (value) => {
    const response = await fixture.api.request("POST", "/entities/orders/messages", { body: { body: "x", applicationProperties: { amount: value } } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: "ValidationFailed" });
    expect(JSON.stringify((response.body as { errors: unknown }).errors)).toContain("/applicationProperties/amount");
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body)).toEqual([]);
  });

  it("refuses them in the properties to modify of a settlement too", async () => {
    await fixture.api.request("POST", "/entities/orders/messages", { body: { body: "x" } });
    const received = messagesOf((await fixture.api.request("POST", "/queues/orders/receive?maxWaitSeconds=2")).body);
    const lockToken = received[0]?.lockToken ?? "";
    const response = await fixture.api.request("POST", `/queues/orders/locks/${lockToken}/abandon`, { body: { propertiesToModify: { amount: 1e300 } } });
    expect(response.status).toBe(400);
    expect(JSON.stringify((response.body as { errors: unknown }).errors)).toContain("/propertiesToModify/amount");
  });

  it("sends the safe extremes and fractions, and returns them exactly", async () => {
    const properties = { largest: Number.MAX_SAFE_INTEGER, smallest: -Number.MAX_SAFE_INTEGER, fraction: -1.5, large: 4294967296, small: -2147483649 };
    const response = await fixture.api.request("POST", "/entities/orders/messages", { body: { body: "x", applicationProperties: properties } });
    expect(response.status).toBe(201);
    const [message] = messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body);
    expect(message?.applicationProperties).toEqual(properties);
  });
});
