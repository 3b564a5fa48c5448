import { describe, expect, it } from "vitest";
import { AdminError } from "../../../../emulator/src/admin/admin-errors.js";
import { parseAdminRoute } from "../../../../emulator/src/admin/admin-routes.js";
import { checkEntityName } from "../../../../emulator/src/admin/entity-names.js";

describe("parseAdminRoute", () => {
  it.each([
    ["/$namespaceinfo", { kind: "namespace" }],
    ["/$Resources/Queues", { kind: "queues" }],
    ["/$resources/topics/", { kind: "topics" }],
    ["/orders", { kind: "entity", name: "orders" }],
    ["/sales/eu/orders", { kind: "entity", name: "sales/eu/orders" }],
    ["/events/Subscriptions/", { kind: "subscriptions", topic: "events" }],
    ["/events/subscriptions", { kind: "subscriptions", topic: "events" }],
    ["/events/Subscriptions/audit", { kind: "subscription", topic: "events", subscription: "audit" }],
    ["/a/b/Subscriptions/audit/Rules/", { kind: "rules", topic: "a/b", subscription: "audit" }],
    ["/events/Subscriptions/audit/Rules/%24Default", { kind: "rule", topic: "events", subscription: "audit", rule: "$Default" }],
    ["/events/Subscriptions/audit/Rules/vip", { kind: "rule", topic: "events", subscription: "audit", rule: "vip" }],
  ])("%s", (path, route) => {
    expect(parseAdminRoute(path)).toEqual(route);
  });

  it("has no route for the root or unknown $ resources", () => {
    expect(parseAdminRoute("/")).toBeUndefined();
    expect(parseAdminRoute("/$Resources/EventHubs")).toBeUndefined();
  });

  it("refuses broken percent-encoding and encoded slashes", () => {
    expect(() => parseAdminRoute("/bad%zz")).toThrow(AdminError);
    expect(() => parseAdminRoute("/a%2Fb")).toThrow(/encoded \//);
  });
});

describe("checkEntityName", () => {
  it("accepts valid names, including / in queue names and $Default for rules", () => {
    expect(() => checkEntityName("Queue", "sales/eu.orders-1_a")).not.toThrow();
    expect(() => checkEntityName("Rule", "$Default")).not.toThrow();
    expect(() => checkEntityName("Queue", "q")).not.toThrow();
  });

  it.each([
    ["Queue", "-orders"],
    ["Queue", "orders."],
    ["Queue", "or ders"],
    ["Queue", "x".repeat(261)],
    ["Subscription", "a/b"],
    ["Subscription", "x".repeat(51)],
    ["Rule", "$Other"],
  ] as const)("refuses the %s name %s with 400", (kind, name) => {
    expect(() => checkEntityName(kind, name)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
