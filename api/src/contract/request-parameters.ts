/**
 * The path, query and header parameters of an operation's request, in that order, as the OpenAPI
 * document and the connector's Swagger 2.0 both list them.
 */
import type { TObject, TSchema } from "@sinclair/typebox";
import type { OperationRequest } from "./operation.js";

/** Where a non-body parameter travels. */
export type ParameterLocation = "path" | "query" | "header";

/** One non-body request parameter. */
export interface RequestParameter {
  name: string;
  in: ParameterLocation;
  /** Path parameters always; others when their object schema lists them in `required`. */
  required: boolean;
  schema: TSchema;
}

function parametersIn(schema: TObject | undefined, location: ParameterLocation): RequestParameter[] {
  if (!schema) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || required.has(name),
    schema: property,
  }));
}

/** The request's path, query and header parameters, in that order. */
export function requestParameters(request: OperationRequest): RequestParameter[] {
  return [...parametersIn(request.params, "path"), ...parametersIn(request.query, "query"), ...parametersIn(request.headers, "header")];
}
