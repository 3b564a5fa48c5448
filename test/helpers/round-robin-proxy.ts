/**
 * Test helper: an HTTP reverse proxy on a free loopback port that sends each request to the next of N
 * upstreams in turn, like a load balancer without stickiness in front of several API instances.
 *
 * Requests and responses are streamed both ways; method, path, status, headers and bodies pass unchanged,
 * apart from the hop-by-hop headers of RFC 9110 §7.6.1 (Connection, Keep-Alive, Transfer-Encoding, ...),
 * which belong to each connection. The proxy adds no header of its own. A request sent with
 * `Expect: 100-continue` gets its 100 Continue from the upstream, relayed once the upstream sent it (so a
 * caller that receives it knows the upstream process has taken the request). When an upstream cannot be
 * reached or fails before answering, the caller gets an empty 502, as from a load balancer.
 */
import { Agent, createServer, request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A running proxy. Upstreams are numbered by their position in the list it was started with. */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** How many requests each upstream was sent so far, by upstream index. */
  requestCounts(): number[];
  /** Stops sending new requests to upstream `index` (for example before its process is killed); requests in flight go on. */
  takeOut(index: number): void;
  /** The indexes of the upstreams still in the rotation. */
  upstreamsInRotation(): number[];
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** Headers that describe one connection, not the message: never forwarded. */
const HOP_BY_HOP_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authenticate",
  "proxy-authorization",
]);

function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  // Connection may name further hop-by-hop headers.
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((each) => each.trim().toLowerCase())
      .filter((each) => each !== ""),
  );
  const forwarded: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP_HEADERS.has(name) && !named.has(name)) forwarded[name] = value;
  }
  return forwarded;
}

/**
 * Starts a proxy over `upstreams` (base URLs such as `http://127.0.0.1:3001`; only their host and port are used).
 * @throws Error when `upstreams` is empty.
 */
export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new Error("A round-robin proxy needs at least one upstream.");
  const targets = upstreams.map((each) => new URL(each));
  const counts = targets.map(() => 0);
  const inRotation = targets.map(() => true);
  let next = 0;
  const agent = new Agent({ keepAlive: true });

  /** The next upstream in the rotation, or undefined when all were taken out. */
  function pick(): number | undefined {
    for (let tried = 0; tried < targets.length; tried += 1) {
      const index = next;
      next = (next + 1) % targets.length;
      if (inRotation[index]) return index;
    }
    return undefined;
  }

  function badGateway(response: ServerResponse): void {
    if (!response.headersSent) {
      response.writeHead(502, { "content-length": "0" });
      response.end();
    } else {
      response.destroy();
    }
  }

  function forward(incoming: IncomingMessage, response: ServerResponse): void {
    const index = pick();
    if (index === undefined) {
      incoming.resume();
      badGateway(response);
      return;
    }
    counts[index] = (counts[index] ?? 0) + 1;
    const target = targets[index] as URL;
    const upstream = httpRequest({
      agent,
      hostname: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: endToEndHeaders(incoming.headers),
    });
    upstream.on("response", (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndHeaders(answer.headers));
      // Send the headers now, so a streamed response reaches the caller before its first chunk.
      response.flushHeaders();
      answer.pipe(response);
      // An upstream that dies mid-body: the caller sees its response cut off, as it would directly.
      answer.on("aborted", () => response.destroy());
      answer.on("error", () => response.destroy());
    });
    // Relay the upstream's own 100 Continue (the server below never sends one of its own).
    upstream.on("continue", () => response.writeContinue());
    upstream.on("error", () => badGateway(response));
    // The caller went away before the answer was complete: stop the upstream call too.
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    incoming.pipe(upstream);
  }

  const server = createServer(forward);
  // Without this listener Node would answer `Expect: 100-continue` itself, before any upstream saw the request.
  server.on("checkContinue", forward);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requestCounts: () => [...counts],
    takeOut: (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= targets.length) throw new RangeError(`No upstream ${index}: the proxy has ${targets.length}.`);
      inRotation[index] = false;
    },
    upstreamsInRotation: () => inRotation.flatMap((active, index) => (active ? [index] : [])),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
