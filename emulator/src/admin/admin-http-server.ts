/**
 * The management API over HTTPS, for `ServiceBusAdministrationClient` (which always uses `https://` and keeps
 * the port of the connection string's endpoint). Plumbing only: TLS, `GET /health` (unauthenticated, like the
 * official emulator's), SAS authorization, body size limit, and turning {@link AdminError}s into the
 * `<Error>` documents the SDK reads. The API itself is `admin-handlers.ts`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { SharedAccessKey } from "../amqp/sas-token.js";
import type { EmulatorLogger } from "../logger.js";
import { silentLogger } from "../logger.js";
import { authorizeAdminRequest } from "./admin-auth.js";
import type { AdminBackend } from "./admin-backend.js";
import { AdminError } from "./admin-errors.js";
import type { AdminResponse } from "./admin-handlers.js";
import { createAdminHandler } from "./admin-handlers.js";
import { parseAdminRoute } from "./admin-routes.js";
import { errorDocument, XML_CONTENT_TYPE } from "./atom-xml.js";

/** Options of {@link startAdminServer}. */
export interface AdminServerOptions {
  readonly backend: AdminBackend;
  /** Keys whose SAS tokens are accepted (the same as the AMQP side's). */
  readonly keys: readonly SharedAccessKey[];
  /** Interface to bind; defaults to loopback. */
  readonly host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** PEM private key and certificate (see `certificate.ts`). */
  readonly tls: { readonly key: string | Buffer; readonly cert: string | Buffer };
  readonly logger?: EmulatorLogger;
  /** Clock for token expiry and entity times; defaults to the system clock. */
  readonly now?: () => Date;
}

/** A running management API server. */
export interface AdminServer {
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Largest request body accepted; descriptions are a few kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024;
const HEALTH_BODY = JSON.stringify({ status: "healthy", message: "Service is healthy." });

/** Starts the management API; resolves once it listens. */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const handle = createAdminHandler({ backend: options.backend, now });
  const server = createServer({ key: options.tls.key, cert: options.tls.cert }, (request, response) => {
    void serve(request, response).catch((error: unknown) => {
      logger.error({ err: error }, "admin API: failed to answer a request");
      response.destroy();
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "https://localhost");
    if (url.pathname.toLowerCase() === "/health" && (method === "GET" || method === "HEAD")) {
      send(response, method, { status: 200, contentType: "application/json", body: HEALTH_BODY });
      return;
    }
    let answer: AdminResponse;
    try {
      authorizeAdminRequest(request.headers, url.pathname, options.keys, now().getTime());
      const route = parseAdminRoute(url.pathname);
      if (!route) throw new AdminError(404, `There is no management resource at '${url.pathname}'.`);
      const body = await readBody(request);
      answer = await handle({
        method,
        route,
        query: url.searchParams,
        body,
        ifMatch: request.headers["if-match"] !== undefined,
        origin: `https://${request.headers.host ?? `${options.host ?? "127.0.0.1"}:${port}`}`,
      });
    } catch (error) {
      answer = errorResponse(error);
      if (answer.status === 500) logger.error({ err: error, method, path: url.pathname }, "admin API: request failed");
      if (answer.status === 413) response.setHeader("connection", "close");
    }
    logger.debug({ method, path: url.pathname, status: answer.status }, "admin API request");
    send(response, method, answer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** The status and `<Error>` document of a failure; anything but an {@link AdminError} is a 500. */
function errorResponse(error: unknown): AdminResponse {
  if (error instanceof AdminError) {
    return { status: error.status, contentType: XML_CONTENT_TYPE, body: errorDocument(error.status, error.message) };
  }
  return { status: 500, contentType: XML_CONTENT_TYPE, body: errorDocument(500, "The emulator failed to process the request.") };
}

function send(response: ServerResponse, method: string, answer: AdminResponse): void {
  const headers: Record<string, string | number> = { "content-length": Buffer.byteLength(answer.body) };
  if (answer.contentType !== undefined) headers["content-type"] = answer.contentType;
  response.writeHead(answer.status, headers);
  response.end(method === "HEAD" ? undefined : answer.body);
}

/** Reads the body as UTF-8, refusing more than {@link MAX_BODY_BYTES} with 413. */
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new AdminError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
