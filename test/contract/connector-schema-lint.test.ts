import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_SETTINGS } from "../../scripts/connector/package.js";
import {
  FALLBACK_SCHEMA_DIR,
  SCHEMA_DIR_VARIABLE,
  chooseSchemaDir,
  compileConnectorSchemas,
  loadConnectorSchemas,
} from "../../connector/validate/schema-lint.js";
import type { ConnectorSchemaLint } from "../../connector/validate/schema-lint.js";
import { REPO_ROOT, committedFiles, readRepoJson } from "./connector-fixture.js";

const schemas = chooseSchemaDir(REPO_ROOT);
if (schemas.skipReason) console.warn(`PowerPlatformConnectors schema lint skipped: ${schemas.skipReason}`);

describe.skipIf(schemas.dir === undefined)(`PowerPlatformConnectors JSON Schemas (lint; ${schemas.dir ?? `skipped: ${schemas.skipReason}`})`, () => {
  let lint: ConnectorSchemaLint;
  beforeAll(() => {
    lint = compileConnectorSchemas(loadConnectorSchemas(schemas.dir ?? ""));
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
});

describe("where the schema lint finds its schemas", () => {
  // A fake checkout: <root>/repo, with or without the fallback schema folder beside it.
  const root = mkdtempSync(path.join(tmpdir(), "schema-dir-"));
  const repo = path.join(root, "repo");
  mkdirSync(repo);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is skipped, with a one-line reason naming the variable, when nothing is given and nothing lies beside the repository", () => {
    const choice = chooseSchemaDir(repo, {});
    expect(choice.dir).toBeUndefined();
    expect(choice.skipReason).toMatch(new RegExp(`^set ${SCHEMA_DIR_VARIABLE} `));
    expect(choice.skipReason).not.toContain("\n");
  });

  it("uses the folder the variable names", () => {
    expect(chooseSchemaDir(repo, { [SCHEMA_DIR_VARIABLE]: root })).toEqual({ dir: root });
  });

  it("fails when the variable names a folder that does not exist", () => {
    expect(() => chooseSchemaDir(repo, { [SCHEMA_DIR_VARIABLE]: path.join(root, "nope") })).toThrow(new RegExp(`${SCHEMA_DIR_VARIABLE} is .*nope`));
  });

  it("falls back to the default folder beside the repository when it exists", () => {
    const fallback = path.resolve(repo, FALLBACK_SCHEMA_DIR);
    mkdirSync(fallback, { recursive: true });
    expect(chooseSchemaDir(repo, {})).toEqual({ dir: fallback });
  });

  it("fails with a clear message when the schema folder lacks the files", () => {
    expect(() => loadConnectorSchemas(path.join(REPO_ROOT, "no-such-folder"))).toThrow(/PowerPlatformConnectors schemas are missing from .*no-such-folder/);
  });
});
