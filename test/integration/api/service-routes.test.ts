import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../api/src/contract/registry.js";
import { startApiFixture, startApiInstance } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, unknown> };
}

describe("API: service routes", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture();
  });
  afterAll(async () => fixture.close());

  it("answers /healthz and /readyz without a key", async () => {
    expect((await fixture.api.request("GET", "/healthz", { key: null })).body).toEqual({ status: "ok" });
    expect((await fixture.api.request("GET", "/readyz", { key: null })).body).toEqual({ status: "ready" });
  });

  it("reports 503 on /readyz when Service Bus is unreachable", async () => {
    const unreachable = await startApiInstance("Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;");
    try {
      const response = await unreachable.request("GET", "/readyz", { key: null });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(response.body).toMatchObject({ code: "ServiceCommunicationProblem" });
    } finally {
      await unreachable.close();
    }
  });

  it("serves an OpenAPI 3 document with every registry operation and the API key scheme", async () => {
    const response = await fixture.api.request("GET", "/openapi.json", { key: null });
    const document = response.body as OpenApiDocument;
    expect(document.openapi).toBe("3.0.3");
    expect(document.components.securitySchemes).toEqual({ apiKey: { type: "apiKey", in: "header", name: "X-API-Key" } });
    const documented = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(documented.sort()).toEqual(OPERATIONS.map((operation) => operation.operationId).sort());
    const peek = document.paths["/queues/{queue}/peek"]?.["get"];
    expect(peek?.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
      "path:queue",
      "query:maxMessages",
      "query:fromSequenceNumber",
      "query:subQueue",
      "query:sessionId",
    ]);
    expect(Object.keys(peek?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404", "429", "500", "503", "504"]));
  });

  it("routes every registry operation (no operation answers RouteNotFound)", async () => {
    for (const operation of OPERATIONS) {
      const path = operation.path.replace("{lockToken}", "00000000-0000-4000-8000-000000000000").replace(/\{[^}]+\}/g, "x");
      const response = await fetch(`${fixture.api.baseUrl}${path}`, { method: operation.method.toUpperCase() });
      const body = (await response.json()) as { code: string };
      // A capability in the path authorises the webhook delete: it is not keyed, so "x" is refused as an id instead.
      expect(body.code, operation.operationId).toBe(operation.auth.capability ? "ValidationFailed" : "Unauthorized");
    }
  });

  it("serves Swagger UI at /docs under a CSP that allows its own scripts", async () => {
    const response = await fetch(`${fixture.api.baseUrl}/docs/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain("swagger-ui-bundle.js");
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    const init = await fetch(`${fixture.api.baseUrl}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain("persistAuthorization");
  });
});
