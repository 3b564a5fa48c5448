import { describe, expect, it } from "vitest";
import { swaggerValidityErrors } from "../../connector/validate/swagger-validity.js";
import { committedFiles } from "./connector-fixture.js";
import { operationsOf, parametersOf } from "../../connector/validate/walk.js";

describe("apiDefinition.swagger.json with @apidevtools/swagger-parser", () => {
  it("is a valid Swagger 2.0 document", async () => {
    expect(await swaggerValidityErrors(committedFiles().apiDefinition)).toEqual([]);
  });

  it("reports an OpenAPI 3 document as invalid", async () => {
    const { apiDefinition } = committedFiles();
    delete apiDefinition["swagger"];
    apiDefinition["openapi"] = "3.0.3";
    expect(await swaggerValidityErrors(apiDefinition)).not.toEqual([]);
  });

  it("reports an OpenAPI 3-only keyword in a schema as invalid", async () => {
    const { apiDefinition } = committedFiles();
    const definitions = apiDefinition["definitions"] as Record<string, { properties: Record<string, Record<string, unknown>> }>;
    const message = definitions["ReceivedMessage"];
    if (!message) throw new Error("ReceivedMessage definition missing");
    (message.properties["messageId"] as Record<string, unknown>)["nullable"] = true;
    expect(await swaggerValidityErrors(apiDefinition)).not.toEqual([]);
  });

  it("reports a path parameter that is not required as invalid", async () => {
    const { apiDefinition } = committedFiles();
    const [first] = operationsOf(apiDefinition).filter(({ path }) => path.includes("{"));
    const parameter = parametersOf(first?.operation ?? {}).find((candidate) => candidate["in"] === "path");
    if (!parameter) throw new Error("no path parameter found");
    parameter["required"] = false;
    expect(await swaggerValidityErrors(apiDefinition)).not.toEqual([]);
  });
});
