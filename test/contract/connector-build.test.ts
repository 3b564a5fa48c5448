import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { generateConnectorFiles } from "../../connector/generate.js";
import { ICON_BRAND_COLOR } from "../../connector/metadata.js";
import { driftReport, packageVersion } from "../../scripts/connector/build.js";
import { ICON_SIZE, drawIcon, hexToRgb } from "../../scripts/connector/icon.js";
import { jsonDifferences } from "../../scripts/connector/json-diff.js";
import { packageFiles } from "../../scripts/connector/package.js";
import { createZip } from "../../scripts/connector/zip.js";
import { REPO_ROOT } from "./connector-fixture.js";

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("connector:build / connector:check", () => {
  it("generates the same text twice (deterministic, two-space JSON with a trailing newline)", () => {
    const first = generateConnectorFiles("1.2.3");
    expect(generateConnectorFiles("1.2.3")).toEqual(first);
    for (const text of Object.values(first)) {
      expect(text.endsWith("}\n")).toBe(true);
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    }
  });

  it("reports no drift for the committed files", () => {
    expect(driftReport(generateConnectorFiles(packageVersion()), REPO_ROOT)).toEqual([]);
  });

  it("names missing files and the first differing JSON paths", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "connector-drift-"));
    temporary.push(dir);
    const files = generateConnectorFiles("1.0.0");
    const stale = JSON.parse(files["apiDefinition.swagger.json"] ?? "{}") as { info: { title: string } };
    stale.info.title = "Old title";
    writeFileSync(path.join(dir, "apiDefinition.swagger.json"), JSON.stringify(stale, null, 2));
    expect(driftReport(files, dir)).toEqual([
      "apiDefinition.swagger.json differs from a fresh generation:",
      '  /info/title: committed "Old title", generated "Service Bus Bridge"',
      "apiProperties.json: missing (run npm run connector:build)",
    ]);
  });

  it("jsonDifferences escapes JSON pointer segments and reports formatting-only changes", () => {
    expect(jsonDifferences({ paths: { "/a/{b}": { get: 1 } } }, { paths: { "/a/{b}": { get: 2 } } })).toEqual([
      "/paths/~1a~1{b}/get: committed 1, generated 2",
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), "connector-drift-"));
    temporary.push(dir);
    const files = { "x.json": '{\n  "a": 1\n}\n' };
    writeFileSync(path.join(dir, "x.json"), '{"a":1}');
    expect(driftReport(files, dir)).toEqual(["x.json differs from a fresh generation:", "  same JSON, different formatting"]);
  });
});

describe("connector icon and package", () => {
  it("icon.png is the committed 230 x 230 RGB drawing on the brand colour", () => {
    const png = readFileSync(path.join(REPO_ROOT, "connector", "icon.png"));
    expect(png.equals(drawIcon())).toBe(true);
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(ICON_SIZE);
    expect(png.readUInt32BE(20)).toBe(ICON_SIZE);
    expect(hexToRgb(ICON_BRAND_COLOR)).not.toEqual([255, 255, 255]);
  });

  it("the package holds the definition, properties, icon, paconn settings and readme, and zips readably", () => {
    const files = packageFiles(REPO_ROOT);
    expect(Object.keys(files)).toEqual(["apiDefinition.swagger.json", "apiProperties.json", "icon.png", "settings.json", "readme.md"]);
    const zip = createZip(Object.entries(files).map(([name, data]) => ({ name, data })));
    // Read the first local entry back: name, then the deflated bytes.
    const nameLength = zip.readUInt16LE(26);
    const compressedSize = zip.readUInt32LE(18);
    expect(zip.subarray(30, 30 + nameLength).toString()).toBe("apiDefinition.swagger.json");
    const data = inflateRawSync(zip.subarray(30 + nameLength, 30 + nameLength + compressedSize));
    expect(data.equals(files["apiDefinition.swagger.json"] as Buffer)).toBe(true);
    expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
    expect(zip.readUInt16LE(zip.length - 12)).toBe(5);
  });
});
