/**
 * Subscriptions the configuration names are the administrator's: a `manage` key may create and delete
 * subscriptions through the API on a topic that exposes all its subscriptions ("*"), but never delete or
 * replace a configured one (with it, its messages and the rules other flows rely on). 409
 * SubscriptionIsConfigured, in any spelling of the name; subscriptions created through the API stay
 * deletable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../api/src/auth/api-keys.js";
import type { ApiKeyRecord } from "../../api/src/auth/api-keys.js";
import type { ExposedEntities } from "../../api/src/config/exposed-entities.js";
import { TEST_KEY_RECORDS, TEST_KEYS, startApiFixture } from "../helpers/api-fixture.js";
import type { ApiFixture } from "../helpers/api-fixture.js";
import { messagesOf } from "../helpers/api-messages.js";

const TOPIC_MANAGER_KEY = "configured-subscriptions-topic-manager";
const ORDERS_MANAGER_KEY = "configured-subscriptions-orders-manager";
const API_KEYS: ApiKeyRecord[] = [
  ...TEST_KEY_RECORDS,
  { name: "events-manager", sha256: hashApiKey(TOPIC_MANAGER_KEY), scopes: ["send", "listen", "manage"], entities: ["events"] },
  { name: "orders-manager", sha256: hashApiKey(ORDERS_MANAGER_KEY), scopes: ["send", "listen", "manage"], entities: ["orders"] },
];

/** `events` names billing and audit, and exposes every other subscription too. */
const ENTITIES: ExposedEntities = { queues: ["orders"], topics: [{ name: "events", subscriptions: ["billing", "audit"], allSubscriptions: true }] };

describe("security: configured subscriptions cannot be deleted or replaced through the API", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture(undefined, { entities: ENTITIES, withAdmin: true, apiKeys: API_KEYS });
  });
  afterAll(async () => fixture?.close());

  const path = (name: string) => `/topics/events/subscriptions/${name}`;
  const codeOf = (body: unknown) => (body as { code?: string }).code;

  it.each([TOPIC_MANAGER_KEY, TEST_KEYS.admin])("refuses DELETE and PUT on configured subscriptions, in any spelling (key %#)", async (key) => {
    await fixture.api.request("POST", "/entities/events/messages", { key, body: { body: "kept", applicationProperties: { marker: key } } });
    for (const name of ["audit", "AUDIT", "billing"]) {
      const deleted = await fixture.api.request("DELETE", path(name), { key });
      expect(deleted.status, `DELETE ${name}`).toBe(409);
      expect(codeOf(deleted.body)).toBe("SubscriptionIsConfigured");
      const replaced = await fixture.api.request("PUT", path(name), { key, body: { sqlFilter: "1=1", sqlAction: "SET stolen = 'yes'" } });
      expect(replaced.status, `PUT ${name}`).toBe(409);
      expect(codeOf(replaced.body)).toBe("SubscriptionIsConfigured");
    }
    // The subscription and its message are still there, untouched by any action.
    const peeked = messagesOf((await fixture.api.request("GET", `${path("audit")}/peek?maxMessages=100`, { key })).body);
    const mine = peeked.filter((message) => (message.applicationProperties as Record<string, unknown> | undefined)?.["marker"] === key);
    expect(mine).toHaveLength(1);
    expect((mine[0]?.applicationProperties as Record<string, unknown>)["stolen"]).toBeUndefined();
  });

  it("answers a manage key outside its allow-list as for a topic that does not exist (404)", async () => {
    for (const [method, name] of [
      ["PUT", "outside"],
      ["DELETE", "outside"],
      ["DELETE", "audit"],
    ] as const) {
      const refused = await fixture.api.request(method, path(name), { key: ORDERS_MANAGER_KEY });
      expect(refused.status, `${method} ${name}`).toBe(404);
      expect(codeOf(refused.body)).toBe("MessagingEntityNotFound");
    }
  });

  it("creates and deletes subscriptions that are not configured", async () => {
    const created = await fixture.api.request("PUT", path("temporary"), { key: TOPIC_MANAGER_KEY, body: { sqlFilter: "1=1" } });
    expect(created.status).toBe(201);
    const again = await fixture.api.request("PUT", path("temporary"), { key: TOPIC_MANAGER_KEY });
    expect(again.status).toBe(409);
    expect(codeOf(again.body)).toBe("MessagingEntityAlreadyExists");
    expect((await fixture.api.request("DELETE", path("temporary"), { key: TOPIC_MANAGER_KEY })).status).toBe(204);
  });
});
