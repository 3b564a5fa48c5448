/**
 * Errors of reading a request (raised by body-parser and the router, before any operation runs) as
 * problems: a table by body-parser's `type`, then http-errors style client errors by `status`.
 */
import { ProblemError, invalidField } from "./problem-error.js";

/** The fields body-parser puts on its errors. */
interface BodyParserError {
  type: string;
  limit?: number;
}

const CLAIM_CHECK = "Store large payloads elsewhere (for example in Blob Storage) and send a reference to them instead (the claim-check pattern).";

/** body-parser's error `type` -> the problem it is. */
const BODY_PARSER_PROBLEMS: Readonly<Record<string, (error: BodyParserError) => ProblemError>> = {
  "entity.too.large": ({ limit }) =>
    new ProblemError("MessageSizeExceeded", {
      detail: `The request body is larger than this API's limit${limit === undefined ? "" : ` of ${limit} bytes`}. ${CLAIM_CHECK}`,
      ...(limit === undefined ? {} : { extensions: { limitInBytes: limit } }),
    }),
  "entity.parse.failed": () => invalidField("body", "", "is not valid JSON"),
  "encoding.unsupported": () => invalidField("body", "", "has an unsupported encoding or charset; send UTF-8 JSON"),
  "charset.unsupported": () => invalidField("body", "", "has an unsupported encoding or charset; send UTF-8 JSON"),
};

function bodyParserError(error: unknown): BodyParserError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { type, limit } = error as { type?: unknown; limit?: unknown };
  if (typeof type !== "string") return undefined;
  return { type, ...(typeof limit === "number" ? { limit } : {}) };
}

/**
 * Whether the error is an http-errors style client error (a numeric `status` or `statusCode` in 400-499),
 * as raised by body-parser for bodies it cannot read (a corrupt gzip/deflate/br stream, a truncated body)
 * and by the router for path segments that are not valid percent-encoding.
 */
function isClientError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === "number" ? status : statusCode;
  return typeof value === "number" && value >= 400 && value < 500;
}

/** The problem of an error of reading the request, or undefined when the error is not one. */
export function requestReadingProblem(error: unknown): ProblemError | undefined {
  const parserError = bodyParserError(error);
  const fromTable = parserError && BODY_PARSER_PROBLEMS[parserError.type];
  if (parserError && fromTable) return fromTable(parserError);
  if (!isClientError(error)) return undefined;
  // The router's percent-decoding failures are URIErrors; everything else here is about the body.
  return error instanceof Error && error.name === "URIError"
    ? invalidField("params", "", "is not valid percent-encoded UTF-8")
    : invalidField("body", "", "could not be read: it is truncated, or compressed or encoded in a way this API does not accept");
}
