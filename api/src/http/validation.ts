/**
 * Request validation with ajv, compiled once per operation from its contract schemas. Path, query and
 * header values are strings on the wire and are coerced to the schema's types; bodies are not coerced.
 * Defaults declared in schemas are applied.
 */
import type { Ajv, ValidateFunction } from "ajv";
import type { TSchema } from "@sinclair/typebox";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../contract/json-depth.js";
import type { AnyOperation } from "../contract/operation.js";
import { createAjv, fieldErrors } from "../json-schema/ajv.js";
import type { FieldError, FieldErrors } from "../problems/problem-error.js";
import { propertyMapLocations, unsupportedPropertyNameErrors } from "./property-names.js";

/** The two ajv instances of request validation: path, query and header strings coerced, bodies as sent. */
export interface RequestAjv {
  lenient: Ajv;
  strict: Ajv;
}

/** Creates the ajv instances of request validation (from the shared JSON Schema setup). */
export function createRequestAjv(): RequestAjv {
  return { lenient: createAjv({ coerceTypes: true }), strict: createAjv() };
}

/** The raw request parts an operation validates. */
export interface RawRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** The operation's declared headers (lower-case names); other headers are not validated. */
  headers?: Record<string, unknown>;
  body: unknown;
}

/** A compiled validator of one operation. */
export interface OperationValidator {
  /** Validates (coercing and applying defaults in place); returns field errors by location, or undefined when valid. */
  validate(request: RawRequest): FieldErrors | undefined;
}

/**
 * Fields of coerced values (path, query, headers) that hold a number that is not finite. ajv coerces the
 * strings "Infinity" and "-Infinity" to numbers and lets them through integer and number schemas, bounds and
 * all; a real number from JSON never gets here that way, and no caller means an infinite count or time.
 */
export function nonFiniteNumberErrors(values: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    const items: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, index) => [`/${name}/${index}`, item]) : [[`/${name}`, value]];
    for (const [field, item] of items) {
      if (typeof item === "number" && !Number.isFinite(item)) errors.push({ field, message: "must be a finite number" });
    }
  }
  return errors;
}

/** Validates coerced values: ajv's field errors, or those of non-finite numbers, or undefined when valid. */
function validateCoerced(validate: ValidateFunction, values: Record<string, unknown>): FieldError[] | undefined {
  if (!validate(values)) return fieldErrors(validate.errors);
  const nonFinite = nonFiniteNumberErrors(values);
  return nonFinite.length > 0 ? nonFinite : undefined;
}

function compile(ajv: Ajv, schema: TSchema | undefined): ValidateFunction | undefined {
  return schema ? ajv.compile(schema) : undefined;
}

/** Compiles the validators of an operation. */
export function compileOperationValidator(operation: AnyOperation, { lenient, strict }: RequestAjv): OperationValidator {
  const params = compile(lenient, operation.request.params);
  const query = compile(lenient, operation.request.query);
  const headers = compile(lenient, operation.request.headers);
  const body = compile(strict, operation.request.body);
  const bodyRequired = operation.request.body !== undefined && (operation.request.bodyRequired ?? true);
  const propertyMaps = propertyMapLocations(operation.request.body);
  return {
    validate(request) {
      const errors: FieldErrors = {};
      const paramErrors = params && validateCoerced(params, request.params);
      if (paramErrors) errors.params = paramErrors;
      const queryErrors = query && validateCoerced(query, request.query);
      if (queryErrors) errors.query = queryErrors;
      const headerErrors = headers && validateCoerced(headers, request.headers ?? {});
      if (headerErrors) errors.headers = headerErrors;
      if (request.body !== undefined && nestsDeeperThan(request.body, MAX_JSON_DEPTH)) {
        errors.body = [{ field: "", message: `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep` }];
      } else if (body) {
        if (request.body === undefined) {
          if (bodyRequired) errors.body = [{ field: "", message: "is required: send a JSON body with Content-Type: application/json" }];
        } else if (!body(request.body)) {
          errors.body = fieldErrors(body.errors);
        } else {
          const names = unsupportedPropertyNameErrors(request.body, propertyMaps);
          if (names.length > 0) errors.body = names;
        }
      } else if (request.body !== undefined && !(typeof request.body === "object" && request.body !== null && Object.keys(request.body).length === 0)) {
        errors.body = [{ field: "", message: "must be empty: this operation takes no body" }];
      }
      return Object.keys(errors).length === 0 ? undefined : errors;
    },
  };
}
