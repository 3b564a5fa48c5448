/**
 * The round-robin proxy of the multi-instance suite, against plain node:http servers: it must spread requests
 * evenly and pass everything through unchanged, or the multi-instance tests prove nothing.
 */
import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startRoundRobinProxy } from "../helpers/round-robin-proxy.js";
import type { RoundRobinProxy } from "../helpers/round-robin-proxy.js";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
const proxies: RoundRobinProxy[] = [];

async function startUpstream(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function proxyOver(upstreams: string[]): Promise<RoundRobinProxy> {
  const proxy = await startRoundRobinProxy(upstreams);
  proxies.push(proxy);
  return proxy;
}

/** Upstreams that answer with their own index. */
async function namedUpstreams(count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => startUpstream((_request, response) => response.end(String(index)))));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
});

describe("round-robin proxy", () => {
  it("sends each request to the next upstream in turn and counts them", async () => {
    const proxy = await proxyOver(await namedUpstreams(3));
    const servedBy: string[] = [];
    for (let call = 0; call < 7; call += 1) servedBy.push(await (await fetch(`${proxy.url}/any`)).text());
    expect(servedBy).toEqual(["0", "1", "2", "0", "1", "2", "0"]);
    expect(proxy.requestCounts()).toEqual([3, 2, 2]);
  });

  it("skips an upstream taken out of the rotation", async () => {
    const proxy = await proxyOver(await namedUpstreams(3));
    proxy.takeOut(1);
    const servedBy: string[] = [];
    for (let call = 0; call < 4; call += 1) servedBy.push(await (await fetch(`${proxy.url}/any`)).text());
    expect(servedBy).toEqual(["0", "2", "0", "2"]);
    expect(proxy.requestCounts()).toEqual([2, 0, 2]);
    expect(proxy.upstreamsInRotation()).toEqual([0, 2]);
  });

  it("lets a request in flight to an upstream finish after the upstream is taken out", async () => {
    const arrived = signal();
    const release = signal();
    const upstream = await startUpstream((_request, response) => {
      arrived.fire();
      void release.promise.then(() => response.end("finished"));
    });
    const proxy = await proxyOver([upstream, ...(await namedUpstreams(1))]);
    const inFlight = fetch(`${proxy.url}/slow`);
    await arrived.promise;
    proxy.takeOut(0);
    release.fire();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("finished");
    expect(await (await fetch(`${proxy.url}/next`)).text()).toBe("0");
  });

  it("passes method, path, query, request headers and body to the upstream unchanged", async () => {
    const seen: Array<{ method: string | undefined; url: string | undefined; headers: IncomingHttpHeaders; body: Buffer }> = [];
    const upstream = await startUpstream((request, response) => {
      void readBody(request).then((body) => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body });
        response.end();
      });
    });
    const proxy = await proxyOver([upstream]);
    const body = randomBytes(64 * 1024);
    const init = { method: "PUT", headers: { "X-API-Key": "secret", "Content-Type": "application/octet-stream", "X-Repeated": "a" }, body };
    await fetch(`${upstream}/queues/a%2Fb/locks?x=1&y=%20`, init);
    await fetch(`${proxy.url}/queues/a%2Fb/locks?x=1&y=%20`, init);
    const [direct, proxied] = seen;
    expect(proxied?.method).toBe("PUT");
    expect(proxied?.url).toBe("/queues/a%2Fb/locks?x=1&y=%20");
    expect(proxied?.body.equals(body)).toBe(true);
    // The same headers as a direct call, apart from the connection's own (and Host, the address the caller used).
    const withoutConnection = (headers: IncomingHttpHeaders | undefined) => {
      const { connection: _connection, host: _host, ...rest } = headers ?? {};
      return rest;
    };
    expect(withoutConnection(proxied?.headers)).toEqual(withoutConnection(direct?.headers));
    expect(proxied?.headers.host).toBe(new URL(proxy.url).host);
  });

  it("passes status, response headers and body back unchanged and adds no header", async () => {
    const body = randomBytes(200 * 1024);
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(409, "Conflict here", { "Content-Type": "application/problem+json", "X-Custom": "yes", "Content-Length": String(body.length) });
      response.end(body);
    });
    const proxy = await proxyOver([upstream]);
    const direct = await fetch(`${upstream}/x`);
    const proxied = await fetch(`${proxy.url}/x`);
    expect(proxied.status).toBe(409);
    expect(proxied.statusText).toBe("Conflict here");
    expect(Buffer.from(await proxied.arrayBuffer()).equals(body)).toBe(true);
    await direct.arrayBuffer();
    const names = (response: Response) =>
      [...response.headers.keys()].filter((name) => name !== "connection" && name !== "keep-alive" && name !== "date").sort();
    expect(names(proxied)).toEqual(names(direct));
    expect(proxied.headers.get("x-custom")).toBe("yes");
    expect(proxied.headers.get("content-type")).toBe("application/problem+json");
  });

  it("passes a 204 without a body", async () => {
    const proxy = await proxyOver([
      await startUpstream((_request, response) => {
        response.statusCode = 204;
        response.end();
      }),
    ]);
    const response = await fetch(`${proxy.url}/locks/1/complete`, { method: "POST" });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
  });

  it("streams the response: the caller reads the first chunk before the upstream ends it", async () => {
    const release = signal();
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { "Content-Type": "text/plain" });
      response.write("first;");
      void release.promise.then(() => response.end("last"));
    });
    const proxy = await proxyOver([upstream]);
    const response = await fetch(`${proxy.url}/stream`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value ?? []).toString()).toBe("first;");
    release.fire();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += Buffer.from(chunk.value).toString();
    expect(rest).toBe("last");
  });

  it("streams the request: the upstream gets the first chunk before the caller ends the body", async () => {
    const firstChunk = signal();
    const upstream = await startUpstream((request, response) => {
      const chunks: string[] = [];
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => {
        chunks.push(chunk);
        firstChunk.fire();
      });
      request.on("end", () => response.end(chunks.join("")));
    });
    const proxy = await proxyOver([upstream]);
    const { port } = new URL(proxy.url);
    const answer = new Promise<string>((resolve, reject) => {
      const outgoing = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/upload" }, (response) => {
        void readBody(response).then((body) => resolve(body.toString()), reject);
      });
      outgoing.on("error", reject);
      outgoing.write("first;");
      void firstChunk.promise.then(() => outgoing.end("last"));
    });
    expect(await answer).toBe("first;last");
  });

  it("relays the upstream's 100 Continue, sent only once the upstream has the request", async () => {
    const upstreamHasRequest = signal();
    const release = signal();
    let upstreamContinued = false;
    const upstream = createServer();
    servers.push(upstream);
    upstream.on("checkContinue", (request: IncomingMessage, response: ServerResponse) => {
      upstreamHasRequest.fire();
      void release.promise.then(() => {
        upstreamContinued = true;
        response.writeContinue();
        void readBody(request).then((body) => response.end(`got ${body.toString()}`));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const proxy = await proxyOver([`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`]);
    const { port } = new URL(proxy.url);
    let continuedWhenCallerHeard: boolean | undefined;
    const answer = new Promise<string>((resolve, reject) => {
      const outgoing = httpRequest(
        { host: "127.0.0.1", port, method: "POST", path: "/send", headers: { Expect: "100-continue", "Content-Length": "4" } },
        (response) => void readBody(response).then((body) => resolve(body.toString()), reject),
      );
      outgoing.on("error", reject);
      outgoing.on("continue", () => {
        continuedWhenCallerHeard = upstreamContinued;
        outgoing.end("body");
      });
    });
    await upstreamHasRequest.promise;
    release.fire();
    expect(await answer).toBe("got body");
    expect(continuedWhenCallerHeard).toBe(true);
  });

  it("answers an empty 502 when the upstream cannot be reached", async () => {
    const gone = await startUpstream(() => undefined);
    const server = servers.pop() as Server;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const proxy = await proxyOver([gone]);
    const response = await fetch(`${proxy.url}/x`);
    expect(response.status).toBe(502);
    expect(await response.text()).toBe("");
  });

  it("answers 502 when every upstream was taken out", async () => {
    const proxy = await proxyOver(await namedUpstreams(2));
    proxy.takeOut(0);
    proxy.takeOut(1);
    expect((await fetch(`${proxy.url}/x`, { method: "POST", body: "ignored" })).status).toBe(502);
    expect(proxy.requestCounts()).toEqual([0, 0]);
  });
});
