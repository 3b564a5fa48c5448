import type { OpenAPIV3 } from "openapi-types";
import { PROBLEM_CODES } from "../problems/codes.js";

/** Component name of the problem schema. */
export const PROBLEM_SCHEMA_NAME = "Problem";

const fieldErrors: OpenAPIV3.SchemaObject = {
  type: "array",
  items: {
    type: "object",
    properties: {
      field: { type: "string", description: "A JSON pointer to the field within its location; empty for the whole location." },
      message: { type: "string", description: "What is wrong with the field." },
    },
    required: ["field", "message"],
  },
};

/** The RFC 9457 problem schema, with the `code` member from the error table. */
export function problemComponents(): Record<string, OpenAPIV3.SchemaObject> {
  return {
    [PROBLEM_SCHEMA_NAME]: {
      type: "object",
      description: "An RFC 9457 problem detail.",
      properties: {
        type: { type: "string", description: "A URI identifying the problem type." },
        title: { type: "string", description: "A short summary of the problem type." },
        status: { type: "integer", description: "The HTTP status code." },
        detail: { type: "string", description: "What happened, for this occurrence." },
        instance: { type: "string", description: "The request path." },
        code: { type: "string", enum: [...PROBLEM_CODES], description: "A stable code for the problem." },
        requestId: { type: "string", description: "The request id, also in the X-Request-Id header; quote it when reporting a problem." },
        errors: {
          type: "object",
          description: "For ValidationFailed: the invalid fields, grouped by where they are in the request.",
          properties: { params: fieldErrors, query: fieldErrors, headers: fieldErrors, body: fieldErrors },
        },
        sentMessageIds: {
          type: "array",
          items: { type: "string" },
          description: "For a batch send that failed part way: the ids of the messages that were sent.",
        },
        limitInBytes: { type: "integer", description: "For MessageSizeExceeded: the size limit that was exceeded." },
      },
      required: ["type", "title", "status", "code"],
    },
  };
}
