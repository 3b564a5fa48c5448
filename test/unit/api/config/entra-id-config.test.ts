import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../api/src/config/config-error.js";
import { loadConfig } from "../../../../api/src/config/load-config.js";
import { entitiesFor, principalOf } from "../../../../api/src/auth/entra-id.js";

const TENANT = "7A3C0F52-9A1E-4C57-8D2B-1F6E5A4B3C21";
const NAMESPACE_ENV = { SERVICEBUS_NAMESPACE: "contoso.servicebus.windows.net", CONFIG_FILE: "bridge.json" };

function load(file: unknown) {
  return loadConfig(NAMESPACE_ENV, () => JSON.stringify(file), "/app");
}

function errorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("auth.entraId configuration", () => {
  it("is enough without API keys, with the tenant in lower case and one audience as a list", () => {
    const config = load({ auth: { entraId: { tenantId: TENANT, audience: "api://service-bus-bridge" } } });
    expect(config.apiKeys).toEqual([]);
    expect(config.entraId).toEqual({ tenantId: TENANT.toLowerCase(), audience: ["api://service-bus-bridge"] });
  });

  it.each([
    [{ tenantId: "contoso.onmicrosoft.com", audience: "api://x" }, "/app/bridge.json:/auth/entraId/tenantId"],
    [{ tenantId: TENANT }, "/app/bridge.json:/auth/entraId"],
    [{ tenantId: TENANT, audience: [] }, "/app/bridge.json:/auth/entraId/audience"],
    [{ tenantId: TENANT, audience: "api://x", jwksUri: "not a url" }, "/app/bridge.json:/auth/entraId/jwksUri"],
    [{ tenantId: TENANT, audience: "api://x", tenant: TENANT }, "/app/bridge.json:/auth/entraId"],
  ])("names the field at fault: %j", (entraId, field) => {
    expect(errorOf(() => load({ auth: { entraId } })).message).toContain(field);
  });

  it("takes signing keys over plain HTTP only from this machine", () => {
    expect(errorOf(() => load({ auth: { entraId: { tenantId: TENANT, audience: "a", jwksUri: "http://keys.example.com/keys" } } })).message).toMatch(
      /bridge\.json:\/auth\/entraId\/jwksUri.*https/,
    );
    expect(load({ auth: { entraId: { tenantId: TENANT, audience: "a", jwksUri: "http://127.0.0.1:9/keys" } } }).entraId?.jwksUri).toBe(
      "http://127.0.0.1:9/keys",
    );
  });

  it("without API keys nor auth.entraId, a real Service Bus is refused", () => {
    expect(errorOf(() => load({})).message).toMatch(/auth\.entraId/);
  });
});

describe("the principal of a token", () => {
  const config = {
    tenantId: TENANT,
    audience: ["a"],
    grants: [
      { objectId: "aaaaaaaa-0000-0000-0000-000000000001", entities: ["orders"] },
      { role: "Messages.Send", entities: ["events"] },
      { role: "Messages.Listen", entities: ["events/billing"] },
    ],
  };

  it("maps the app roles to scopes and ignores other roles", () => {
    expect(principalOf(config, { roles: ["Messages.Send", "Entities.Manage", "Other.Role"], oid: "b" }).scopes).toEqual(["send", "manage"]);
    expect(principalOf(config, { roles: ["Messages.Listen"], oid: "b" }).name).toBe("entra-id:b");
  });

  it("takes the allow-list of its object id first, else the union of its roles', else every entity", () => {
    expect(entitiesFor(config, "AAAAAAAA-0000-0000-0000-000000000001", ["Messages.Send"])).toEqual(["orders"]);
    expect(entitiesFor(config, "other", ["Messages.Send", "Messages.Listen"])).toEqual(["events", "events/billing"]);
    expect(entitiesFor(config, "other", ["Entities.Manage"])).toEqual(["*"]);
  });
});
