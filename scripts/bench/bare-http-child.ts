/**
 * The ceiling of section 1: a bare `node:http` server in its own process that does what any HTTP API in front
 * of Service Bus must do at the least (read the request body, parse its JSON, answer 201 with a message id) and
 * nothing else: no framework, no authentication, no validation, no logging and no Service Bus. Measured with the
 * same load generator and requests as the API, it shows how close to the raw SDK any Node HTTP API can get on
 * this machine. Started by `lib/bare-http-process.ts` with `fork`:
 *   -> { type: "ready", port }
 *   <- { type: "close" } (or the parent going away): closes the server and exits.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400, { "content-type": "application/problem+json" }).end('{"code":"ValidationFailed"}');
      return;
    }
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ messageId: randomUUID() }));
  });
});
server.keepAliveTimeout = 30_000;

const close = (): void => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on("message", (message: { type?: string }) => {
  if (message.type === "close") close();
});
process.on("disconnect", close);
process.on("SIGTERM", close);
server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: (server.address() as AddressInfo).port });
});
