/**
 * Security headers on every kind of response, and entities that the configuration does not expose:
 * they exist in Service Bus but the API answers exactly as for entities that do not exist (404
 * MessagingEntityNotFound) and leaves them out of every list.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../api/src/contract/registry.js";
import { parseEmulatorConfig } from "../../emulator/src/config/emulator-config.js";
import { startApiFixture } from "../helpers/api-fixture.js";
import type { ApiFixture } from "../helpers/api-fixture.js";
import { sampleRequest } from "../helpers/operation-samples.js";
import type { SampleParams } from "../helpers/operation-samples.js";

/** Service Bus has more than the API exposes: queue `payroll`, topic `internal` and subscription `events/secret`. */
function emulatorConfig() {
  return parseEmulatorConfig({
    UserConfig: {
      Namespaces: [
        {
          Name: "sbemulatorns",
          Queues: [{ Name: "orders" }, { Name: "payroll" }],
          Topics: [
            { Name: "events", Subscriptions: [{ Name: "audit" }, { Name: "secret" }] },
            { Name: "internal", Subscriptions: [{ Name: "all" }] },
          ],
        },
      ],
    },
  });
}

const EXPOSED = { queues: ["orders"], topics: [{ name: "events", subscriptions: ["audit"] }] };
const HIDDEN_NAMES = ["payroll", "internal", "secret"];

describe("security: headers and entity visibility", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture(emulatorConfig(), { entities: EXPOSED, withAdmin: true });
  });
  afterAll(async () => fixture.close());

  it("sends helmet's security headers and a strict CSP on pages, documents, data and problems", async () => {
    const cases = [
      { path: "/docs/", key: null, status: 200 },
      { path: "/openapi.json", key: null, status: 200 },
      { path: "/healthz", key: null, status: 200 },
      { path: "/queues/orders/peek", key: undefined, status: 200 },
      { path: "/queues/orders/peek", key: null, status: 401 },
      { path: "/no-such-route", key: null, status: 404 },
    ] as const;
    for (const { path, key, status } of cases) {
      const response = await fixture.api.request("GET", path, { key });
      expect(response.status, path).toBe(status);
      const header = (name: string): string => response.headers.get(name) ?? "";
      const csp = header("content-security-policy");
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toMatch(/script-src 'self'(;|$)/);
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("base-uri 'self'");
      expect(header("x-content-type-options"), path).toBe("nosniff");
      expect(header("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(header("referrer-policy"), path).toBe("no-referrer");
      expect(header("cross-origin-opener-policy"), path).toBe("same-origin");
      expect(header("cross-origin-resource-policy"), path).toBe("same-origin");
      expect(header("strict-transport-security"), path).toMatch(/max-age=\d+/);
      expect(header("x-dns-prefetch-control"), path).toBe("off");
      expect(response.headers.get("x-powered-by"), path).toBeNull();
    }
  });

  it("answers every entity operation on a hidden entity exactly as on one that does not exist, and 404 for well-formed requests", async () => {
    const hidden: SampleParams[] = [
      { entity: "payroll", queue: "payroll", topic: "internal", subscription: "all" },
      { entity: "internal", queue: "payroll", topic: "events", subscription: "secret" },
    ];
    const missing: SampleParams = { entity: "no-such-entity", queue: "no-such-queue", topic: "no-such-topic", subscription: "no-such-sub" };
    let notFound = 0;
    for (const operation of OPERATIONS.filter((each) => each.auth.entity !== undefined)) {
      const absent = sampleRequest(operation, missing);
      const expected = await fixture.api.request(absent.method, absent.path, { body: absent.body });
      for (const params of hidden) {
        const request = sampleRequest(operation, params);
        const answer = await fixture.api.request(request.method, request.path, { body: request.body });
        const label = `${operation.operationId} ${request.path}`;
        expect(answer.status, label).toBe(expected.status);
        expect((answer.body as { code?: string }).code, label).toBe((expected.body as { code?: string }).code);
        if (answer.status === 404) {
          expect(answer.body, label).toMatchObject({ code: "MessagingEntityNotFound" });
          notFound += 1;
        }
      }
    }
    // Almost every operation's sample is well formed, so most answers are the 404 itself.
    expect(notFound).toBeGreaterThan(40);
  });

  it("leaves hidden entities out of ListQueues, ListTopics, ListSubscriptions and ListSendEntities", async () => {
    const lists = ["/queues", "/topics", "/topics/events/subscriptions", "/send-entities"];
    for (const path of lists) {
      const response = await fixture.api.request("GET", path);
      expect(response.status, path).toBe(200);
      const text = JSON.stringify(response.body);
      for (const name of HIDDEN_NAMES) expect(text, `${path} lists ${name}`).not.toMatch(new RegExp(`"${name}"`));
    }
    expect(JSON.stringify((await fixture.api.request("GET", "/queues")).body)).toContain('"orders"');
    expect(JSON.stringify((await fixture.api.request("GET", "/topics/events/subscriptions")).body)).toContain('"audit"');
    const hiddenTopic = await fixture.api.request("GET", "/topics/internal/subscriptions");
    expect(hiddenTopic.status).toBe(404);
    expect(hiddenTopic.body).toMatchObject({ code: "MessagingEntityNotFound" });
  });
});
