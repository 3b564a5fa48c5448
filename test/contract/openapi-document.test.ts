import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../api/src/contract/registry.js";
import { buildOpenApiDocument } from "../../api/src/openapi/build-document.js";

describe("the OpenAPI 3 document served at /openapi.json", () => {
  const document = buildOpenApiDocument(OPERATIONS, { version: "0.0.0-test" });

  it("is valid OpenAPI 3 for a real validator", async () => {
    // The validator dereferences in place, so it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it("documents every operation of the registry once, at its method and path", () => {
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item ?? {})
        .filter(([, operation]) => typeof operation === "object" && operation !== null && "operationId" in operation)
        .map(([method, operation]) => `${method} ${path} ${(operation as { operationId: string }).operationId}`),
    );
    expect(documented.sort()).toEqual(OPERATIONS.map((operation) => `${operation.method} ${operation.path} ${operation.operationId}`).sort());
  });
});
