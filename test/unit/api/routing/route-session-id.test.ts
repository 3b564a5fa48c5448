import { describe, expect, it } from "vitest";
import { MAX_SESSION_ID_LENGTH, isRouteSessionId, replySessionId, routeSessionId } from "../../../../api/src/routing/route-session-id.js";

describe("routeSessionId", () => {
  it("is readable for a queue and a subscription", () => {
    expect(routeSessionId("orders", "order-1")).toBe("route:orders:order-1");
    expect(routeSessionId("order-events/Subscriptions/billing", "A")).toBe("route:order-events/subscriptions/billing:A");
  });

  it("folds the entity path's case (Service Bus entity names are case-insensitive) but keeps the session id's", () => {
    expect(routeSessionId("Orders", "Order-1")).toBe(routeSessionId("orders", "Order-1"));
    expect(routeSessionId("orders", "Order-1")).not.toBe(routeSessionId("orders", "order-1"));
  });

  it("keeps pairs apart when the session id contains the separator", () => {
    // Without a rule for ':' these two would both read "route:a:b:c".
    expect(routeSessionId("a", "b:c")).toBe("route:a:b:c");
    expect(() => routeSessionId("a:b", "c")).toThrow(RangeError);
  });

  it("uses the hashed form exactly when the readable one would pass 128 characters", () => {
    const prefixLength = "route:orders:".length;
    const fits = "s".repeat(MAX_SESSION_ID_LENGTH - prefixLength);
    expect(routeSessionId("orders", fits)).toBe(`route:orders:${fits}`);
    expect(routeSessionId("orders", fits)).toHaveLength(MAX_SESSION_ID_LENGTH);
    const hashed = routeSessionId("orders", `${fits}s`);
    expect(hashed).toMatch(/^route:#:[A-Za-z0-9_-]{43}$/);
    expect(hashed.length).toBeLessThanOrEqual(MAX_SESSION_ID_LENGTH);
  });

  it("hashes deterministically, apart for different pairs, and case-insensitively in the session id", () => {
    const long = "x".repeat(MAX_SESSION_ID_LENGTH);
    expect(routeSessionId("orders", long)).toBe(routeSessionId("orders", long));
    expect(routeSessionId("orders", long)).toBe(routeSessionId("ORDERS", long.toUpperCase()));
    expect(routeSessionId("orders", long)).not.toBe(routeSessionId("orders", `${long.slice(1)}y`));
    expect(routeSessionId("orders", long)).not.toBe(routeSessionId("order", long));
    // Same characters, split differently between entity path and session id.
    expect(routeSessionId("ordersa", long.slice(1))).not.toBe(routeSessionId("orders", `a${long.slice(1)}`));
  });

  it("never makes a readable id that reads like a hashed one", () => {
    expect(() => routeSessionId("#", "x")).toThrow(RangeError);
    expect(routeSessionId("h", "x")).toBe("route:h:x");
  });

  it("refuses a session id Service Bus would not accept (empty, or over 128 characters)", () => {
    expect(() => routeSessionId("orders", "")).toThrow(RangeError);
    expect(() => routeSessionId("orders", "s".repeat(MAX_SESSION_ID_LENGTH + 1))).toThrow(RangeError);
    expect(() => routeSessionId("", "s")).toThrow(RangeError);
  });

  it("is recognised by isRouteSessionId, unlike other session ids", () => {
    expect(isRouteSessionId(routeSessionId("orders", "1"))).toBe(true);
    expect(isRouteSessionId(routeSessionId("orders", "x".repeat(128)))).toBe(true);
    expect(isRouteSessionId("reply:abc")).toBe(false);
    expect(isRouteSessionId("route:")).toBe(false);
    expect(isRouteSessionId("route::x")).toBe(false);
  });
});

describe("replySessionId", () => {
  it("names the instance's reply session and refuses ids that do not fit", () => {
    expect(replySessionId("3f1c")).toBe("reply:3f1c");
    expect(() => replySessionId("")).toThrow(RangeError);
    expect(() => replySessionId("a:b")).toThrow(RangeError);
    expect(replySessionId("i".repeat(MAX_SESSION_ID_LENGTH - 6))).toHaveLength(MAX_SESSION_ID_LENGTH);
    expect(() => replySessionId("i".repeat(MAX_SESSION_ID_LENGTH - 5))).toThrow(RangeError);
  });
});
