/**
 * The project's one JSON Schema setup (ajv): the formats (ajv-formats), the connector's schema keywords,
 * all errors reported at once, and the options that differ by use:
 * - the contract's request schemas: strict; defaults applied; path, query and header values coerced
 *   from strings (`coerceTypes: true`), bodies not;
 * - the configuration file's schema: strict, defaults applied;
 * - the event catalog's data schemas, written by others: not strict, nothing applied, so data is
 *   validated exactly as sent;
 * - the connector's optional lint with Microsoft's paconn schemas (draft-07): as the catalog's, formats not
 *   checked (those schemas name formats of their own). Their draft-04 definition schema needs ajv-draft-04's
 *   class, a development-only dependency that the API must not load, so connector/validate keeps that one.
 */
import { Ajv } from "ajv";
import type { ErrorObject } from "ajv";
import formatsModule from "ajv-formats";
import type { FieldError } from "../problems/problem-error.js";

/** Schema keywords that carry connector hints; ajv must accept and ignore them. */
const CONNECTOR_KEYWORDS = ["x-ms-summary", "x-ms-visibility", "x-ms-url-encoding", "x-ms-dynamic-values", "x-ms-dynamic-schema", "x-ms-test-value"];

/** Options of {@link createAjv}. */
export interface JsonSchemaOptions {
  /** Coerce values to the schema's types (strings of a path, query or header). Default false. */
  coerceTypes?: boolean;
  /** Refuse unknown keywords and ambiguous schemas: true for the project's own schemas (the default). */
  strict?: boolean;
  /** Fill in `default`s. Default true. */
  useDefaults?: boolean;
  /** Check `format`s (ajv-formats). Default true. */
  validateFormats?: boolean;
}

/** An ajv instance for the project's schemas. */
export function createAjv({ coerceTypes = false, strict = true, useDefaults = true, validateFormats = true }: JsonSchemaOptions = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes, useDefaults, strict, validateFormats, ...(strict ? { strictTypes: false } : {}) });
  formatsModule.default(ajv);
  ajv.addVocabulary(CONNECTOR_KEYWORDS);
  return ajv;
}

function fieldError(error: ErrorObject): FieldError {
  if (error.keyword === "required") {
    const missing = (error.params as { missingProperty?: string }).missingProperty ?? "";
    return { field: `${error.instancePath}/${missing}`, message: "is required" };
  }
  if (error.keyword === "additionalProperties") {
    const extra = (error.params as { additionalProperty?: string }).additionalProperty ?? "";
    return { field: `${error.instancePath}/${extra}`, message: "is not a known field" };
  }
  return { field: error.instancePath, message: error.message ?? "is invalid" };
}

/** Field errors (JSON pointer and message) of a failed validation, without duplicates (anyOf branches repeat themselves). */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors ?? []) {
    const item = fieldError(error);
    const key = `${item.field}\u0000${item.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      result.push(item);
    }
  }
  return result;
}
