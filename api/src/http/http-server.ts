/**
 * The API's HTTP server: Node's server around the app. Requests Node's own HTTP parser refuses (a
 * request line and headers larger than it accepts, a malformed request line or header, a request
 * that does not arrive in time) never reach the app; they are answered here with a problem of the
 * table, like every other 4xx, instead of Node's bare status line.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES, createServer } from "node:http";
import type { RequestListener, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ApiLogger } from "../logger.js";
import type { ProblemCode } from "../problems/codes.js";
import { problemDefinition } from "../problems/codes.js";
import { PROBLEM_CONTENT_TYPE, problemBody } from "../problems/problem-body.js";

/** The problem for an error of Node's HTTP parser, by its `code`; any other code is a malformed request. */
const PARSER_ERROR_PROBLEMS: Readonly<Record<string, ProblemCode>> = {
  HPE_HEADER_OVERFLOW: "RequestHeadersTooLarge",
  ERR_HTTP_REQUEST_TIMEOUT: "RequestTimeout",
};

/** The problem code of a `clientError`. */
export function problemCodeOfClientError(error: { code?: unknown }): ProblemCode {
  return (typeof error.code === "string" && PARSER_ERROR_PROBLEMS[error.code]) || "MalformedRequest";
}

/** The bytes of a complete HTTP/1.1 problem response that closes the connection. */
export function clientErrorResponse(code: ProblemCode, requestId: string): string {
  const { status } = problemDefinition(code);
  const body = JSON.stringify(problemBody(code, { requestId }));
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Cache-Control: no-store",
    "X-Content-Type-Options: nosniff",
    `X-Request-Id: ${requestId}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/** Whether a response is already under way on the socket (then no other may be written on it). */
function responseStarted(socket: Duplex): boolean {
  const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  return current?.headersSent === true;
}

/** Options of {@link createApiServer}. */
export interface ApiServerOptions {
  logger?: ApiLogger;
  newRequestId?: () => string;
}

/** Creates the HTTP server of an app; `listen` is left to the caller. */
export function createApiServer(app: RequestListener, { logger, newRequestId = randomUUID }: ApiServerOptions = {}): Server {
  const server = createServer(app);
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable || responseStarted(socket)) {
      socket.destroy();
      return;
    }
    const code = problemCodeOfClientError(error);
    const requestId = newRequestId();
    logger?.info({ requestId, code, parserError: error.code }, "request refused by the HTTP parser");
    socket.end(clientErrorResponse(code, requestId));
  });
  return server;
}
