/**
 * JSON nested deeper than the API can write back (found by the fuzz test: a 41 KB body of nested objects was
 * accepted, then failed as a 500 when the message was encoded). Requests deeper than MAX_JSON_DEPTH are refused
 * with 400; a message that deep sent by another client is returned as its text, and never lost.
 */
import { ServiceBusClient } from "@azure/service-bus";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../../../api/src/contract/json-depth.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf, onlyMessage } from "../../helpers/api-messages.js";
import { testClientOptions } from "../../helpers/emulator-fixture.js";

/** Objects nested `levels` deep around a number, as JSON text. */
function nestedJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
}

describe("API: deeply nested JSON", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture();
  });
  afterEach(async () => fixture.close());

  it("refuses a request body nested deeper than the limit with 400 ValidationFailed, sending nothing", async () => {
    for (const levels of [MAX_JSON_DEPTH, 6_000]) {
      const response = await fixture.api.request("POST", "/entities/orders/messages", { rawBody: `{"body":${nestedJson(levels)}}` });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: "ValidationFailed",
        errors: { body: [{ field: "", message: `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep` }] },
      });
    }
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body)).toEqual([]);
  });

  it("sends a message body as deep as the limit allows", async () => {
    const response = await fixture.api.request("POST", "/entities/orders/messages", { rawBody: `{"body":${nestedJson(MAX_JSON_DEPTH - 1)}}` });
    expect(response.status).toBe(201);
    expect(onlyMessage((await fixture.api.request("GET", "/queues/orders/peek")).body).bodyEncoding).toBe("json");
  });

  it("returns a deeper JSON message sent by another client as its text, on peek and on receive-and-delete", async () => {
    const text = nestedJson(6_000);
    const client = new ServiceBusClient(fixture.emulator.connectionString, testClientOptions);
    try {
      await client.createSender("orders").sendMessages({ body: Buffer.from(text), contentType: "application/json" });
    } finally {
      await client.close();
    }
    const peeked = onlyMessage((await fixture.api.request("GET", "/queues/orders/peek")).body);
    expect(peeked).toMatchObject({ bodyEncoding: "text", body: text });
    const received = await fixture.api.request("POST", "/queues/orders/receive?receiveMode=receiveAndDelete&maxWaitSeconds=1");
    expect(received.status).toBe(200);
    expect(onlyMessage(received.body)).toMatchObject({ bodyEncoding: "text", body: text });
  });
});
