/**
 * The event catalog names queues and topics (CaseSync may go to `cases`, OrderSubmitted to `orders` and
 * `order-events`). The API must not pass on names the configuration hides or the calling key may not use:
 * ListEventTypes lists only usable entities, filtering by a hidden entity lists nothing, and SendEvent's
 * refusal names only usable entities.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../api/src/auth/api-keys.js";
import type { ApiKeyRecord } from "../../api/src/auth/api-keys.js";
import { parseEmulatorConfig } from "../../emulator/src/config/emulator-config.js";
import { startApiFixture } from "../helpers/api-fixture.js";
import type { ApiFixture } from "../helpers/api-fixture.js";

const ADMIN_KEY = "catalog-admin-key";
const ORDERS_SENDER_KEY = "catalog-orders-sender-key";
const API_KEYS: ApiKeyRecord[] = [
  { name: "admin", sha256: hashApiKey(ADMIN_KEY), scopes: ["send", "listen", "manage"], entities: ["*"] },
  { name: "orders-sender", sha256: hashApiKey(ORDERS_SENDER_KEY), scopes: ["send"], entities: ["orders"] },
];

/** Service Bus has all three entities the demo catalog names; the API exposes `orders` and `order-events` only. */
const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [{ Name: "orders" }, { Name: "cases", Properties: { RequiresSession: true } }],
        Topics: [{ Name: "order-events", Subscriptions: [{ Name: "billing" }] }],
      },
    ],
  },
});

interface EventTypeSummary {
  eventType: string;
  entities: string[];
}

const eventTypesOf = (body: unknown): EventTypeSummary[] => (body as { eventTypes: EventTypeSummary[] }).eventTypes;

describe("security: the event catalog names only entities the caller may use", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture(config, {
      entities: { queues: ["orders"], topics: [{ name: "order-events", subscriptions: ["billing"] }] },
      apiKeys: API_KEYS,
    });
  });
  afterAll(async () => fixture?.close());

  it("lists event types with only the exposed entities", async () => {
    const listed = await fixture.api.request("GET", "/event-types", { key: ADMIN_KEY });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain("cases");
    expect(eventTypesOf(listed.body).map(({ eventType, entities }) => ({ eventType, entities }))).toEqual([
      { eventType: "CaseSync", entities: [] },
      { eventType: "OrderSubmitted", entities: ["orders", "order-events"] },
    ]);
  });

  it("lists no event types for a hidden entity, as for one that does not exist", async () => {
    const hidden = await fixture.api.request("GET", "/event-types?entity=cases", { key: ADMIN_KEY });
    const missing = await fixture.api.request("GET", "/event-types?entity=no-such-queue", { key: ADMIN_KEY });
    expect(hidden.status).toBe(200);
    expect(hidden.body).toEqual({ eventTypes: [] });
    expect(hidden.body).toEqual(missing.body);
  });

  it("lists only the entities a scoped key may use", async () => {
    const listed = await fixture.api.request("GET", "/event-types", { key: ORDERS_SENDER_KEY });
    expect(eventTypesOf(listed.body).find((each) => each.eventType === "OrderSubmitted")?.entities).toEqual(["orders"]);
    const topic = await fixture.api.request("GET", "/event-types?entity=order-events", { key: ORDERS_SENDER_KEY });
    expect(topic.body).toEqual({ eventTypes: [] });
    const queue = await fixture.api.request("GET", "/event-types?entity=ORDERS", { key: ORDERS_SENDER_KEY });
    expect(eventTypesOf(queue.body).map((each) => each.eventType)).toEqual(["OrderSubmitted"]);
  });

  it("refuses an event sent to an entity outside its contract without naming hidden entities", async () => {
    const sent = await fixture.api.request("POST", "/entities/orders/events/CaseSync", {
      key: ADMIN_KEY,
      body: { caseId: "C-1", revision: 1, payloadReference: "blob://cases/C-1/1" },
    });
    expect(sent.status).toBe(400);
    expect(JSON.stringify(sent.body)).not.toContain("cases");
    expect(JSON.stringify(sent.body)).toContain("none of the queues and topics this API key may use");
  });
});
