import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../api/src/config/config-error.js";
import { DEMO_ENTITIES } from "../../../../api/src/config/demo.js";
import { loadConfig } from "../../../../api/src/config/load-config.js";
import { DEFAULT_CONTROL_QUEUE } from "../../../../api/src/routing/control-queue.js";
import { CONTROL_QUEUE_NAME, demoEmulatorConfig } from "../../../../emulator/src/index.js";

const read = (content: unknown) => () => JSON.stringify(content);

describe("the control queue in the configuration", () => {
  it("defaults to bridge-control with a 5 s forwarded-call deadline", () => {
    const config = loadConfig({}, read({}), "/app");
    expect(config.controlQueue).toBe("bridge-control");
    expect(config.forwardedCallDeadlineInMs).toBe(5_000);
  });

  it("reads sessions.controlQueue and sessions.forwardedCallDeadlineSeconds", () => {
    const config = loadConfig({ CONFIG_FILE: "bridge.json" }, read({ sessions: { controlQueue: "api-traffic", forwardedCallDeadlineSeconds: 12 } }), "/app");
    expect(config.controlQueue).toBe("api-traffic");
    expect(config.forwardedCallDeadlineInMs).toBe(12_000);
  });

  it("refuses to expose the control queue, naming the entry, in any letter case", () => {
    const load = () => loadConfig({ CONFIG_FILE: "bridge.json" }, read({ entities: { queues: ["orders", "Bridge-Control"] } }), "/app");
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/bridge\.json:\/entities\/queues\/1.*control queue/);
  });

  it("refuses a deadline outside 1 to 60 seconds, naming the field", () => {
    expect(() => loadConfig({ CONFIG_FILE: "bridge.json" }, read({ sessions: { forwardedCallDeadlineSeconds: 0 } }), "/app")).toThrow(
      /forwardedCallDeadlineSeconds/,
    );
  });

  it("creates the control queue, session-enabled, among the demo entities, and does not expose it", () => {
    expect(CONTROL_QUEUE_NAME).toBe(DEFAULT_CONTROL_QUEUE);
    const queue = demoEmulatorConfig().queues.find((each) => each.name === DEFAULT_CONTROL_QUEUE);
    expect(queue?.properties.requiresSession).toBe(true);
    expect(DEMO_ENTITIES.queues).not.toContain(DEFAULT_CONTROL_QUEUE);
    expect(DEMO_ENTITIES.queues.length).toBeGreaterThan(0);
  });
});
