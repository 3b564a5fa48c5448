/**
 * The polling triggers answer with `Location`, the URL Power Automate polls next. It is built from the
 * request, so a forged Host header or an extra query parameter would be echoed into the URL the platform
 * calls (with the connection's API key) next. Parameters the operation does not declare are dropped, and an
 * optional public base URL pins the origin.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_KEYS, startApiFixture } from "../helpers/api-fixture.js";
import type { ApiFixture, ApiInstance } from "../helpers/api-fixture.js";

/** A GET with a chosen Host header (fetch does not allow setting it); resolves to the Location header. */
function locationOf(baseUrl: string, path: string, host: string): Promise<{ status: number; location: string | undefined }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path, method: "GET", headers: { Host: host, "X-API-Key": TEST_KEYS.admin } },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, location: response.headers.location }));
      },
    );
    request.on("error", reject);
    request.end();
  });
}

const TRIGGER = "/queues/orders/triggers/peek-lock";

describe("security: the polling trigger's next-poll Location", () => {
  let fixture: ApiFixture;
  let pinned: ApiInstance;

  beforeAll(async () => {
    fixture = await startApiFixture();
    pinned = await fixture.startAnotherInstanceWith({ publicBaseUrl: "https://bridge.contoso.com/servicebus" });
  });
  afterAll(async () => fixture?.close());

  it("carries only the parameters the operation declares", async () => {
    const answer = await locationOf(
      fixture.api.baseUrl,
      `${TRIGGER}?maxMessages=5&redirect=https%3A%2F%2Fevil.example&eventType=OrderSubmitted&x-api-key=k`,
      "bridge.local:3000",
    );
    expect(answer.status).toBe(202);
    expect(answer.location).toBe("http://bridge.local:3000/queues/orders/triggers/peek-lock?maxMessages=5&eventType=OrderSubmitted&triggerState=0");
  });

  it("uses the public base URL, whatever Host the request names", async () => {
    const answer = await locationOf(pinned.baseUrl, `${TRIGGER}?maxMessages=5&evil=1`, "attacker.example");
    expect(answer.status).toBe(202);
    expect(answer.location).toBe("https://bridge.contoso.com/servicebus/queues/orders/triggers/peek-lock?maxMessages=5&triggerState=0");
  });
});
