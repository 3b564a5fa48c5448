/**
 * The event catalog: the business event contracts an admin keeps as JSON files in one folder, one file per
 * event type and version (`OrderSubmitted.v1.json`). Loaded and checked once at start; a bad file stops the
 * start with an error naming the file and the field.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Ajv, ValidateFunction } from "ajv";
import { createAjv } from "../json-schema/ajv.js";
import type { FieldError } from "../problems/problem-error.js";
import type { DataSchema, EventTypeDefinition } from "./event-type.js";
import { templateFields } from "./event-templates.js";

/** A catalog file that cannot be used. */
export class EventCatalogError extends Error {
  override readonly name = "EventCatalogError";
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
  }
}

const KNOWN_KEYS = new Set([
  "eventType",
  "schemaVersion",
  "title",
  "description",
  "messageIdTemplate",
  "sessionIdTemplate",
  "entities",
  "allowedSensitiveFields",
  "dataSchema",
]);

const EVENT_TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

/** Data schemas are written by others: not strict, and data is validated as sent (no defaults filled in). */
function newAjv(): Ajv {
  return createAjv({ strict: false, useDefaults: false });
}

function requireString(file: string, raw: Record<string, unknown>, field: string, maxLength: number): string {
  const value = raw[field];
  if (typeof value !== "string" || value.trim() === "") throw new EventCatalogError(file, field, "is required and must be a non-empty string");
  if (value.length > maxLength) throw new EventCatalogError(file, field, `must be at most ${maxLength} characters`);
  return value;
}

function stringList(file: string, raw: Record<string, unknown>, field: string, required: boolean): string[] {
  const value = raw[field];
  if (value === undefined && !required) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "") || (required && value.length === 0)) {
    throw new EventCatalogError(file, field, required ? "must be a non-empty array of names" : "must be an array of names");
  }
  return value as string[];
}

/** Checks a template's placeholders against the data schema: each must be a required top-level field. */
function checkTemplate(file: string, field: string, template: string, schema: DataSchema): void {
  const fields = templateFields(template);
  if (field === "messageIdTemplate" && fields.length === 0) {
    throw new EventCatalogError(file, field, "must use at least one {field} of the data, so that each business event gets its own stable id");
  }
  const required = new Set(Array.isArray(schema.required) ? (schema.required as unknown[]).filter((name): name is string => typeof name === "string") : []);
  for (const name of fields) {
    if (!required.has(name)) throw new EventCatalogError(file, field, `uses {${name}}, which is not a required field of dataSchema`);
  }
}

/** Parses and checks one catalog file's JSON. */
export function parseEventTypeDefinition(file: string, json: unknown, ajv: Ajv = newAjv()): EventTypeDefinition {
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new EventCatalogError(file, "(root)", "must be a JSON object");
  const raw = json as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) throw new EventCatalogError(file, key, `is not a known field (known: ${[...KNOWN_KEYS].join(", ")})`);
  }
  const eventType = requireString(file, raw, "eventType", 64);
  if (!EVENT_TYPE_NAME.test(eventType)) throw new EventCatalogError(file, "eventType", "must be PascalCase letters and digits, such as OrderSubmitted");
  const schemaVersion = raw.schemaVersion;
  if (typeof schemaVersion !== "number" || !Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new EventCatalogError(file, "schemaVersion", "must be a whole number of at least 1");
  }
  const dataSchema = raw.dataSchema;
  if (dataSchema === null || typeof dataSchema !== "object" || Array.isArray(dataSchema) || (dataSchema as DataSchema).type !== "object") {
    throw new EventCatalogError(file, "dataSchema", 'must be a JSON Schema with "type": "object"');
  }
  try {
    ajv.compile(dataSchema as DataSchema);
  } catch (error) {
    throw new EventCatalogError(file, "dataSchema", `is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
  }
  const messageIdTemplate = requireString(file, raw, "messageIdTemplate", 128);
  checkTemplate(file, "messageIdTemplate", messageIdTemplate, dataSchema as DataSchema);
  const sessionIdTemplate = raw.sessionIdTemplate === undefined ? undefined : requireString(file, raw, "sessionIdTemplate", 128);
  if (sessionIdTemplate !== undefined) checkTemplate(file, "sessionIdTemplate", sessionIdTemplate, dataSchema as DataSchema);
  return {
    eventType,
    schemaVersion,
    title: requireString(file, raw, "title", 80),
    description: requireString(file, raw, "description", 1000),
    messageIdTemplate,
    sessionIdTemplate,
    entities: stringList(file, raw, "entities", true),
    allowedSensitiveFields: stringList(file, raw, "allowedSensitiveFields", false),
    dataSchema: dataSchema as DataSchema,
    source: file,
  };
}

/** The loaded catalog: lookups by type and version, and data validation against the contracts. */
export class EventCatalog {
  private readonly byType = new Map<string, EventTypeDefinition[]>();
  private readonly validators = new Map<EventTypeDefinition, ValidateFunction>();

  constructor(definitions: readonly EventTypeDefinition[]) {
    const ajv = newAjv();
    for (const definition of definitions) {
      const versions = this.byType.get(definition.eventType.toLowerCase()) ?? [];
      const clash = versions.find((each) => each.schemaVersion === definition.schemaVersion);
      if (clash) {
        throw new EventCatalogError(
          definition.source,
          "schemaVersion",
          `${definition.eventType} v${definition.schemaVersion} is also defined in ${clash.source}`,
        );
      }
      versions.push(definition);
      versions.sort((a, b) => b.schemaVersion - a.schemaVersion);
      this.byType.set(definition.eventType.toLowerCase(), versions);
      this.validators.set(definition, ajv.compile(definition.dataSchema));
    }
  }

  /** Every event type's latest version, optionally only those allowed on an entity, by name. */
  latest(entity?: string): EventTypeDefinition[] {
    return [...this.byType.values()]
      .map((versions) => versions[0] as EventTypeDefinition)
      .filter((definition) => entity === undefined || definition.entities.some((name) => name.toLowerCase() === entity.toLowerCase()))
      .sort((a, b) => a.eventType.localeCompare(b.eventType));
  }

  /** A type's given version, or its latest when no version is given. */
  find(eventType: string, schemaVersion?: number): EventTypeDefinition | undefined {
    const versions = this.byType.get(eventType.toLowerCase());
    if (!versions) return undefined;
    return schemaVersion === undefined ? versions[0] : versions.find((each) => each.schemaVersion === schemaVersion);
  }

  /** Field errors of `data` against the contract (JSON Pointers), empty when it conforms. */
  validateData(definition: EventTypeDefinition, data: unknown): FieldError[] {
    const validate = this.validators.get(definition);
    if (!validate || validate(data)) return [];
    return (validate.errors ?? []).map((error) => {
      if (error.keyword === "required") {
        return { field: `${error.instancePath}/${(error.params as { missingProperty?: string }).missingProperty ?? ""}`, message: "is required" };
      }
      if (error.keyword === "additionalProperties") {
        return {
          field: `${error.instancePath}/${(error.params as { additionalProperty?: string }).additionalProperty ?? ""}`,
          message: "is not a field of this event type",
        };
      }
      return { field: error.instancePath, message: error.message ?? "is invalid" };
    });
  }
}

/**
 * Loads every `*.json` file of a folder.
 * @throws EventCatalogError naming the file and field of the first problem.
 */
export function loadEventCatalog(folder: string): EventCatalog {
  let files: string[];
  try {
    files = readdirSync(folder)
      .filter((name) => name.endsWith(".json"))
      .sort();
  } catch (error) {
    throw new EventCatalogError(folder, "(folder)", `cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const ajv = newAjv();
  const definitions = files.map((name) => {
    const file = path.join(folder, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new EventCatalogError(file, "(root)", `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    return parseEventTypeDefinition(file, json, ajv);
  });
  return new EventCatalog(definitions);
}
