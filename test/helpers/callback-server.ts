/** Test helper: a real HTTP(S) server standing in for a flow's webhook callback, recording what it receives. */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";

/** A request the callback server received, body read in full. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `Date.now()` when the body had been read. */
  readonly receivedAt: number;
}

/** Answers one received request. */
export type CallbackHandler = (request: ReceivedRequest, response: ServerResponse) => void;

/** A real HTTP(S) server on 127.0.0.1 and a free port, standing in for a flow's callback. */
export interface CallbackServer {
  readonly port: number;
  readonly received: ReceivedRequest[];
  /** With TLS: the server name (SNI) each connection asked for. */
  readonly serverNames: Array<string | false>;
  /** `http(s)://<host>:<port><path>`; host defaults to 127.0.0.1. */
  url(path: string, host?: string): string;
  close(): Promise<void>;
}

/** Starts a callback server; with `tls`, it speaks https with that key and certificate. */
export async function startCallbackServer(handler: CallbackHandler, tls?: { key: string; cert: string }): Promise<CallbackServer> {
  const received: ReceivedRequest[] = [];
  const serverNames: Array<string | false> = [];
  const sockets = new Set<Socket>();
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
      };
      received.push(entry);
      handler(entry, response);
    });
  };
  const server: Server = tls === undefined ? createHttpServer(listener) : createHttpsServer(tls, listener);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", (socket: TLSSocket) => serverNames.push(socket.servername ?? false));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = tls === undefined ? "http" : "https";
  return {
    port,
    received,
    serverNames,
    url: (path, host = "127.0.0.1") => `${scheme}://${host}:${port}${path}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
