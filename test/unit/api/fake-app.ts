/** Test helper: `createApp` over a fake messaging port, listening on a free port, with one API key. */
import type { AddressInfo } from "node:net";
import { createApp } from "../../../api/src/app.js";
import { hashApiKey } from "../../../api/src/auth/api-keys.js";
import { createApiServer } from "../../../api/src/http/http-server.js";
import type { ExposedEntities } from "../../../api/src/config/exposed-entities.js";
import type { Scope } from "../../../api/src/contract/operation.js";
import { EventCatalog } from "../../../api/src/events/event-catalog.js";
import { silentLogger } from "../../../api/src/logger.js";
import type { MessagingPort } from "../../../api/src/servicebus/messaging-port.js";

/** The plain-text key the fake app accepts. */
export const FAKE_APP_KEY = "unit-key";

export interface FakeApp {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Starts the app with `messaging`, a key `unit` of the given scopes on every entity, and request ids `req-1`. */
export async function listenWithFakeMessaging(messaging: MessagingPort, scopes: readonly Scope[], entities: ExposedEntities): Promise<FakeApp> {
  const app = createApp({
    messaging,
    logger: silentLogger(),
    apiKeys: [{ name: "unit", sha256: hashApiKey(FAKE_APP_KEY), scopes: [...scopes], entities: ["*"] }],
    entities,
    eventCatalog: new EventCatalog([]),
    newRequestId: () => "req-1",
  });
  const server = createApiServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
