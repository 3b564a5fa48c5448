import { describe, expect, it } from "vitest";
import { hashApiKey } from "../../../../api/src/auth/api-keys.js";
import { ConfigError } from "../../../../api/src/config/config-error.js";
import { DEMO_ENTITIES } from "../../../../api/src/config/demo.js";
import { loadConfig } from "../../../../api/src/config/load-config.js";

const CONNECTION_STRING = "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=v";
const validFile = {
  entities: { queues: ["orders"], topics: [{ name: "events", subscriptions: ["billing"] }] },
  apiKeys: [{ name: "flows", sha256: hashApiKey("secret"), scopes: ["send", "listen"], entities: ["orders"] }],
  limits: { jsonBodyLimitInBytes: 2048 },
};

function files(content: Record<string, unknown>): (file: string) => string {
  return (file) => {
    const text = content[file];
    if (text === undefined) throw new Error("ENOENT: no such file");
    return typeof text === "string" ? text : JSON.stringify(text);
  };
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

describe("loadConfig", () => {
  it("defaults to the embedded emulator with the demo entities on loopback", () => {
    const config = loadConfig({}, files({}), "/app");
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      logLevel: "info",
      serviceBus: { kind: "embeddedEmulator", dataDir: "/app/.data/emulator", port: 0 },
      entities: DEMO_ENTITIES,
      apiKeys: [],
      jsonBodyLimitInBytes: 1024 * 1024,
      dataDir: "/app/.data",
    });
  });

  it("keeps the embedded emulator in memory on request", () => {
    expect(loadConfig({ EMULATOR_IN_MEMORY: "true" }, files({}), "/app").serviceBus).toEqual({ kind: "embeddedEmulator", dataDir: undefined, port: 0 });
  });

  it("reads a connection string, the config file and the environment", () => {
    const config = loadConfig(
      { SERVICEBUS_CONNECTION_STRING: CONNECTION_STRING, CONFIG_FILE: "bridge.json", PORT: "8080", LOG_LEVEL: "warn" },
      files({ "/app/bridge.json": validFile }),
      "/app",
    );
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      logLevel: "warn",
      serviceBus: { kind: "connectionString", connectionString: CONNECTION_STRING },
      entities: { queues: ["orders"], topics: [{ name: "events", subscriptions: ["billing"] }] },
      apiKeys: [{ name: "flows", sha256: hashApiKey("secret"), scopes: ["send", "listen"], entities: ["orders"] }],
      jsonBodyLimitInBytes: 2048,
    });
  });

  it("requires an API key when a real Service Bus is configured", () => {
    const error = errorOf(() => loadConfig({ SERVICEBUS_CONNECTION_STRING: CONNECTION_STRING }, files({})));
    expect(error.field).toBe("CONFIG_FILE");
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ EMULATOR_IN_MEMORY: "maybe" }, "EMULATOR_IN_MEMORY"],
    [{ SERVICEBUS_CONNECTION_STRING: "not a connection string" }, "SERVICEBUS_CONNECTION_STRING"],
    [{ SERVICEBUS_NAMESPACE: "https://example.servicebus.windows.net/path" }, "SERVICEBUS_NAMESPACE"],
    [{ SERVICEBUS_NAMESPACE: "example.servicebus.windows.net", SERVICEBUS_CONNECTION_STRING: CONNECTION_STRING }, "SERVICEBUS_NAMESPACE"],
    [{ CONFIG_FILE: "missing.json" }, "CONFIG_FILE"],
  ])("names the bad variable in %o", (env, field) => {
    expect(errorOf(() => loadConfig(env, files({}), "/app")).field).toBe(field);
  });

  it.each([
    [{ ...validFile, apiKeys: [{ ...validFile.apiKeys[0], sha256: "abc" }] }, "/app/c.json:/apiKeys/0/sha256"],
    [{ ...validFile, apiKeys: [{ ...validFile.apiKeys[0], scopes: ["admin"] }] }, "/app/c.json:/apiKeys/0/scopes/0"],
    [{ ...validFile, entities: { queues: ["bad name!"] } }, "/app/c.json:/entities/queues/0"],
    [{ ...validFile, limits: { jsonBodyLimitInBytes: 1 } }, "/app/c.json:/limits/jsonBodyLimitInBytes"],
    [{ ...validFile, extra: true }, "/app/c.json:/extra"],
    [{ ...validFile, apiKeys: [validFile.apiKeys[0], validFile.apiKeys[0]] }, "c.json:/apiKeys/1/name"],
  ])("names the bad field of the config file (%#)", (file, field) => {
    const error = errorOf(() => loadConfig({ CONFIG_FILE: "c.json", SERVICEBUS_CONNECTION_STRING: CONNECTION_STRING }, files({ "/app/c.json": file }), "/app"));
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it("reports a config file that is not JSON", () => {
    const error = errorOf(() => loadConfig({ CONFIG_FILE: "c.json" }, files({ "/app/c.json": "{oops" }), "/app"));
    expect(error.field).toBe("/app/c.json");
    expect(error.message).toMatch(/not valid JSON/);
  });
});
