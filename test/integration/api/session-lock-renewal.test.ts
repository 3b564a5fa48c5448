import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";

/** A session queue with Service Bus's shortest lock duration, so holding it past one lock period is quick. */
const config = parseEmulatorConfig({
  UserConfig: { Namespaces: [{ Name: "sbemulatorns", Queues: [{ Name: "cases", Properties: { RequiresSession: true, LockDuration: "PT5S" } }], Topics: [] }] },
});

describe("API: a held session keeps its lock past the entity's lock duration", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(config, { entities: { queues: ["cases"], topics: [] } });
  });
  afterEach(async () => fixture.close());

  it("settles a message and reads the session state after twice the lock duration, because the API renews the session lock", async () => {
    expect((await fixture.api.request("POST", "/entities/cases/messages", { body: { body: "step 1", sessionId: "case-1" } })).status).toBe(201);
    const received = await fixture.api.request("POST", "/queues/cases/receive?maxMessages=1&maxWaitSeconds=5&sessionId=case-1");
    expect(received.status).toBe(200);
    const [message] = (received.body as { messages: Array<{ lockToken: string }> }).messages;
    if (!message) throw new Error("no message received");

    // Twice the lock duration: without renewal both the session lock and the message lock would be gone.
    await sleep(10_000);

    expect((await fixture.api.request("GET", "/queues/cases/sessions/case-1/state")).status).toBe(200);
    expect((await fixture.api.request("POST", `/queues/cases/locks/${message.lockToken}/complete`)).status).toBe(204);
  }, 40_000);
});
