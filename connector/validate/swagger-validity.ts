/** Swagger 2.0 validity with a real validator: @apidevtools/swagger-parser (JSON Schema + Swagger semantics). */
import SwaggerParser from "@apidevtools/swagger-parser";
import type { OpenAPI } from "openapi-types";
import type { JsonSchema } from "../schema.js";

/** Validates the definition; returns the validator's messages (empty when valid). Never touches the network. */
export async function swaggerValidityErrors(apiDefinition: JsonSchema): Promise<string[]> {
  try {
    // The parser dereferences in place: give it a copy. Only local $refs exist, so no resolver is needed.
    const copy = structuredClone(apiDefinition) as unknown as OpenAPI.Document;
    await SwaggerParser.validate(copy, { resolve: { external: false } });
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
