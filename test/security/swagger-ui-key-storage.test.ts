/**
 * Swagger UI must not keep the API key typed into "Authorize" in the browser's local storage (on disk,
 * readable by every script of the origin and by anyone using the browser profile): persistAuthorization is
 * off, so the key lives only as long as the page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiFixture } from "../helpers/api-fixture.js";
import type { ApiFixture } from "../helpers/api-fixture.js";

describe("security: Swagger UI does not persist the API key", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture();
  });
  afterAll(async () => fixture?.close());

  it("configures Swagger UI with persistAuthorization false", async () => {
    const init = await fetch(`${fixture.api.baseUrl}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    const script = await init.text();
    const settings = [...script.matchAll(/"persistAuthorization"\s*:\s*(\w+)/g)].map((match) => match[1]);
    expect(settings).toEqual(["false"]);
  });
});
