import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EventCatalogError, loadEventCatalog, parseEventTypeDefinition } from "../../../../api/src/events/event-catalog.js";

const valid = {
  eventType: "OrderSubmitted",
  schemaVersion: 1,
  title: "Order submitted",
  description: "An order was submitted.",
  messageIdTemplate: "order-{orderId}-submit-v1",
  entities: ["orders"],
  dataSchema: { type: "object", required: ["orderId"], properties: { orderId: { type: "string" }, note: { type: "string" } } },
};

function problem(json: unknown): string {
  try {
    parseEventTypeDefinition("catalog/x.json", json);
  } catch (error) {
    expect(error).toBeInstanceOf(EventCatalogError);
    return (error as Error).message;
  }
  throw new Error("expected a catalog error");
}

describe("event catalog files", () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });

  it("loads the demo catalog that ships with the API", () => {
    const catalog = loadEventCatalog(path.resolve("api/event-catalog"));
    expect(catalog.latest().map((each) => each.eventType)).toEqual(["CaseSync", "OrderSubmitted"]);
    expect(catalog.latest("orders").map((each) => each.eventType)).toEqual(["OrderSubmitted"]);
    expect(catalog.find("caseSync")?.sessionIdTemplate).toBe("{caseId}");
  });

  it("accepts a valid definition and keeps every field", () => {
    const definition = parseEventTypeDefinition("x.json", valid);
    expect(definition).toMatchObject({ eventType: "OrderSubmitted", schemaVersion: 1, sessionIdTemplate: undefined, allowedSensitiveFields: [] });
  });

  it("names the file and field of each problem", () => {
    expect(problem({ ...valid, colour: "red" })).toBe(
      "catalog/x.json: colour: is not a known field (known: eventType, schemaVersion, title, description, messageIdTemplate, sessionIdTemplate, entities, allowedSensitiveFields, dataSchema)",
    );
    expect(problem({ ...valid, eventType: "order submitted" })).toMatch(/^catalog\/x.json: eventType: must be PascalCase/);
    expect(problem({ ...valid, schemaVersion: 0 })).toMatch(/schemaVersion: must be a whole number/);
    expect(problem({ ...valid, entities: [] })).toMatch(/entities: must be a non-empty array/);
    expect(problem({ ...valid, dataSchema: { type: "string" } })).toMatch(/dataSchema: must be a JSON Schema with "type": "object"/);
    expect(problem({ ...valid, dataSchema: { type: "object", properties: { a: { type: "nonsense" } } } })).toMatch(/dataSchema: is not a valid JSON Schema/);
    expect(problem({ ...valid, messageIdTemplate: "always-the-same" })).toMatch(/messageIdTemplate: must use at least one \{field\}/);
    expect(problem({ ...valid, messageIdTemplate: "order-{note}" })).toMatch(/messageIdTemplate: uses \{note\}, which is not a required field/);
    expect(problem({ ...valid, sessionIdTemplate: "{missing}" })).toMatch(/sessionIdTemplate: uses \{missing\}/);
    expect(problem({ ...valid, title: "" })).toMatch(/title: is required/);
    expect(problem([])).toMatch(/\(root\): must be a JSON object/);
  });

  it("refuses two files defining the same type and version", () => {
    folder = mkdtempSync(path.join(os.tmpdir(), "catalog-"));
    writeFileSync(path.join(folder, "a.json"), JSON.stringify(valid));
    writeFileSync(path.join(folder, "b.json"), JSON.stringify(valid));
    expect(() => loadEventCatalog(folder as string)).toThrow(/b.json: schemaVersion: OrderSubmitted v1 is also defined in .*a.json/);
  });

  it("reports a file that is not JSON, and a missing folder", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "catalog-"));
    folder = dir;
    writeFileSync(path.join(dir, "broken.json"), "{ not json");
    expect(() => loadEventCatalog(dir)).toThrow(/broken.json: \(root\): is not valid JSON/);
    expect(() => loadEventCatalog(path.join(dir, "nope"))).toThrow(/\(folder\): cannot be read/);
  });

  it("serves the latest version unless a version is asked for", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "catalog-"));
    folder = dir;
    writeFileSync(path.join(dir, "v1.json"), JSON.stringify(valid));
    writeFileSync(path.join(dir, "v2.json"), JSON.stringify({ ...valid, schemaVersion: 2, messageIdTemplate: "order-{orderId}-submit-v2" }));
    const catalog = loadEventCatalog(dir);
    expect(catalog.find("OrderSubmitted")?.schemaVersion).toBe(2);
    expect(catalog.find("OrderSubmitted", 1)?.messageIdTemplate).toBe("order-{orderId}-submit-v1");
    expect(catalog.find("OrderSubmitted", 3)).toBeUndefined();
    expect(catalog.latest()).toHaveLength(1);
  });

  it("validates data against the contract with JSON Pointer field errors", () => {
    const catalog = loadEventCatalog(path.resolve("api/event-catalog"));
    const definition = catalog.find("OrderSubmitted");
    if (!definition) throw new Error("demo catalog missing");
    expect(catalog.validateData(definition, { orderId: "o-1", accountId: "a-1", amount: 10, currency: "EUR" })).toEqual([]);
    expect(catalog.validateData(definition, { orderId: "o-1", amount: -1, currency: "euro", extra: 1 })).toEqual(
      expect.arrayContaining([
        { field: "/accountId", message: "is required" },
        { field: "/extra", message: "is not a field of this event type" },
        { field: "/amount", message: "must be > 0" },
        { field: "/currency", message: 'must match pattern "^[A-Z]{3}$"' },
      ]),
    );
  });
});
