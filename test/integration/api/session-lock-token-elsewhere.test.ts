import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExposedEntities } from "../../../api/src/config/exposed-entities.js";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { onlyMessage } from "../../helpers/api-messages.js";

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [{ Name: "sbemulatorns", Queues: [{ Name: "orders" }, { Name: "cases", Properties: { RequiresSession: true } }], Topics: [] }],
  },
});

const ENTITIES: ExposedEntities = { queues: ["orders", "cases"], topics: [] };

/**
 * Without the management API an instance cannot tell that an entity requires sessions, so it hands a lock
 * token it does not hold to Service Bus (`update-disposition` by lock token). Service Bus, and so the emulator,
 * refuses that for a session message (SessionLockLost), never a settlement: the API answers 400 naming the
 * missing sessionId when the call gave none, and 410 SessionLockLost when it named the session.
 */
describe("API: a session message's lock token used on an instance without the management API", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(config, { entities: ENTITIES });
  });
  afterEach(async () => fixture.close());

  it("answers 400 naming sessionId without it and 410 SessionLockLost with it on an instance that does not hold the session, and the holder still settles", async () => {
    await fixture.api.request("POST", "/entities/cases/messages", { body: { body: "held", sessionId: "case-1" } });
    const message = onlyMessage((await fixture.api.request("POST", "/queues/cases/receive?maxWaitSeconds=2&sessionId=case-1")).body);
    const second = await fixture.startAnotherInstance();
    for (const action of ["complete", "abandon", "dead-letter", "defer", "renew"]) {
      const unnamed = await second.request("POST", `/queues/cases/locks/${message.lockToken}/${action}`);
      expect(unnamed.status, action).toBe(400);
      expect(unnamed.body, action).toMatchObject({ code: "SessionIdRequired", errors: { query: [{ field: "/sessionId" }] } });
      const elsewhere = await second.request("POST", `/queues/cases/locks/${message.lockToken}/${action}?sessionId=case-1`);
      expect(elsewhere.status, action).toBe(410);
      expect(elsewhere.body, action).toMatchObject({ code: "SessionLockLost" });
    }
    expect((await fixture.api.request("POST", `/queues/cases/locks/${message.lockToken}/complete`)).status).toBe(204);
  });
});
