import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../api/src/config/config-error.js";
import { loadConfig } from "../../../../api/src/config/load-config.js";

const files =
  (content: Record<string, unknown>) =>
  (file: string): string => {
    const value = content[file];
    if (value === undefined) throw new Error("ENOENT");
    return JSON.stringify(value);
  };

describe("loadConfig: the public base URL", () => {
  it("is undefined by default", () => {
    expect(loadConfig({}, files({}), "/app").publicBaseUrl).toBeUndefined();
  });

  it("comes from PUBLIC_BASE_URL or the file's publicBaseUrl (the environment wins), without a trailing slash", () => {
    expect(loadConfig({ PUBLIC_BASE_URL: "https://bridge.contoso.com/" }, files({}), "/app").publicBaseUrl).toBe("https://bridge.contoso.com");
    const file = files({ "/app/bridge.json": { publicBaseUrl: "https://gw.contoso.com/servicebus/" } });
    expect(loadConfig({ CONFIG_FILE: "bridge.json" }, file, "/app").publicBaseUrl).toBe("https://gw.contoso.com/servicebus");
    expect(loadConfig({ CONFIG_FILE: "bridge.json", PUBLIC_BASE_URL: "http://localhost:3000" }, file, "/app").publicBaseUrl).toBe("http://localhost:3000");
  });

  it.each([
    "bridge.contoso.com",
    "ftp://bridge.contoso.com",
    "https://user:pw@bridge.contoso.com",
    "https://bridge.contoso.com/?a=1",
    "https://bridge.contoso.com/#x",
    "javascript:alert(1)",
  ])("refuses %s naming the variable", (value) => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: value }, files({}), "/app")).toThrow(ConfigError);
    expect(() => loadConfig({ PUBLIC_BASE_URL: value }, files({}), "/app")).toThrow(/PUBLIC_BASE_URL/);
  });

  it("refuses a bad publicBaseUrl in the file naming the field", () => {
    expect(() => loadConfig({ CONFIG_FILE: "bridge.json" }, files({ "/app/bridge.json": { publicBaseUrl: "not a url" } }), "/app")).toThrow(
      /bridge\.json:\/publicBaseUrl/,
    );
  });
});
