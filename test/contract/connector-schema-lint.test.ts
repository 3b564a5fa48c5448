import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_SETTINGS } from "../../scripts/connector/package.js";
import { compileConnectorSchemas, loadConnectorSchemas } from "../../connector/validate/schema-lint.js";
import type { ConnectorSchemaLint } from "../../connector/validate/schema-lint.js";
import { REPO_ROOT, committedFiles, readRepoJson, requireSchemaDir } from "./connector-fixture.js";

describe("PowerPlatformConnectors JSON Schemas (lint)", () => {
  let lint: ConnectorSchemaLint;
  beforeAll(() => {
    lint = compileConnectorSchemas(loadConnectorSchemas(requireSchemaDir()));
  });

  it("accept apiDefinition.swagger.json", () => {
    expect(lint.apiDefinition(committedFiles().apiDefinition)).toEqual([]);
  });

  it("accept apiProperties.json, with each connectionParameterSets parameter checked against ConnectionParameter", () => {
    expect(lint.apiProperties(committedFiles().apiProperties)).toEqual([]);
  });

  it("accept connector/settings.json and the packaged settings.json", () => {
    expect(lint.settings(readRepoJson("connector/settings.json"))).toEqual([]);
    expect(lint.settings(PACKAGE_SETTINGS)).toEqual([]);
  });

  it("reject an x-ms key the platform does not know", () => {
    const { apiDefinition } = committedFiles();
    apiDefinition["x-ms-made-up"] = true;
    expect(lint.apiDefinition(apiDefinition).join("\n")).toMatch(/additional/i);
  });

  it("reject a connection parameter of an unknown type inside connectionParameterSets", () => {
    const { apiProperties } = committedFiles();
    const sets = (apiProperties["properties"] as { connectionParameterSets: { values: Array<{ parameters: Record<string, { type: string }> }> } })
      .connectionParameterSets;
    const apiKey = sets.values[0]?.parameters["api_key"];
    if (!apiKey) throw new Error("api_key parameter missing");
    apiKey.type = "password";
    expect(lint.apiProperties(apiProperties).join("\n")).toMatch(/connectionParameterSets apiKey\/api_key/);
  });

  it("fails with a clear message when the schema folder is missing", () => {
    expect(() => loadConnectorSchemas(path.join(REPO_ROOT, "no-such-folder"))).toThrow(/PowerPlatformConnectors schemas are missing from .*no-such-folder/);
  });
});
