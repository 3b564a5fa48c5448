import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../api/src/config/config-error.js";
import { loadConfig } from "../../../../api/src/config/load-config.js";

const read = (content: unknown) => () => JSON.stringify(content);

describe("the webhooks section of the configuration", () => {
  it("allows http to loopback callbacks only when webhooks.allowLoopbackHttp says so", () => {
    expect(loadConfig({}, read({}), "/app").webhooks.allowLoopbackHttp).toBe(false);
    expect(loadConfig({ CONFIG_FILE: "bridge.json" }, read({ webhooks: { allowedCallbackHosts: ["127.0.0.1"] } }), "/app").webhooks).toEqual({
      allowedCallbackHosts: ["127.0.0.1"],
      allowLoopbackHttp: false,
    });
    const config = loadConfig({ CONFIG_FILE: "bridge.json" }, read({ webhooks: { allowedCallbackHosts: ["127.0.0.1"], allowLoopbackHttp: true } }), "/app");
    expect(config.webhooks).toEqual({ allowedCallbackHosts: ["127.0.0.1"], allowLoopbackHttp: true });
  });

  it("refuses an allowLoopbackHttp that is not a boolean, naming the field", () => {
    const load = () => loadConfig({ CONFIG_FILE: "bridge.json" }, read({ webhooks: { allowLoopbackHttp: "yes" } }), "/app");
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/allowLoopbackHttp/);
  });
});
