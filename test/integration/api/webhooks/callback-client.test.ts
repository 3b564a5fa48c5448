import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { postToCallback } from "../../../../api/src/webhooks/callback-client.js";
import { type CallbackPolicy, type CheckedCallback, checkCallbackUrl } from "../../../../api/src/webhooks/callback-guard.js";
import { type CallbackHandler, type CallbackServer, startCallbackServer } from "../../../helpers/callback-server.js";

const LOOPBACK_POLICY: CallbackPolicy = { allowedHosts: ["127.0.0.1"], allowLoopbackHttp: true };
const MESSAGE = { messageId: "m-1", body: { orderId: 42 }, sequenceNumber: "7" };
const TIMEOUT_IN_MS = 10_000;

let servers: CallbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function serve(handler: CallbackHandler): Promise<CallbackServer> {
  const server = await startCallbackServer(handler);
  servers.push(server);
  return server;
}

async function checked(url: string, policy: CallbackPolicy = LOOPBACK_POLICY): Promise<CheckedCallback> {
  const check = await checkCallbackUrl(url, policy);
  if (!check.ok) throw new Error(`refused: ${check.reason}`);
  return check.target;
}

/** A server answering every request with `status` and `headers`. */
async function answering(status: number, headers: Record<string, string> = {}): Promise<CallbackServer> {
  return serve((_request, response) => {
    response.writeHead(status, headers).end();
  });
}

describe("postToCallback", () => {
  it("POSTs the JSON body to the checked URL, path and query included, and answers delivered for 2xx", async () => {
    const server = await answering(202);
    const target = await checked(server.url("/hook?api-version=1&sig=abc"));
    expect(await postToCallback(target, MESSAGE, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({ outcome: "delivered", status: 202 });
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/hook?api-version=1&sig=abc");
    expect(request?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(request?.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(JSON.parse(request?.body ?? "")).toEqual(MESSAGE);
  });

  it("answers delivered for 200 and 204 too", async () => {
    for (const status of [200, 204]) {
      const server = await answering(status);
      expect(await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({ outcome: "delivered", status });
    }
  });

  it("answers gone for 404 and 410", async () => {
    for (const status of [404, 410]) {
      const server = await answering(status);
      expect(await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({ outcome: "gone", status });
    }
  });

  it("answers retry for 429 with the Retry-After seconds", async () => {
    const server = await answering(429, { "retry-after": "7" });
    const result = await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS });
    expect(result).toEqual({ outcome: "retry", status: 429, retryAfterInMs: 7000 });
  });

  it("answers retry for 503 with a Retry-After HTTP-date, as the time left", async () => {
    const nowInMs = Date.parse("2026-12-06T12:00:00Z");
    const server = await answering(503, { "retry-after": "Sun, 06 Dec 2026 12:00:30 GMT" });
    const result = await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS, now: () => nowInMs });
    expect(result).toEqual({ outcome: "retry", status: 503, retryAfterInMs: 30_000 });
  });

  it("answers retry for 500, 502 and 408, without a delay when none is asked", async () => {
    for (const status of [500, 502, 408]) {
      const server = await answering(status);
      expect(await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({ outcome: "retry", status });
    }
  });

  it("answers failed for other 4xx", async () => {
    for (const status of [400, 401, 403, 413]) {
      const server = await answering(status);
      expect(await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({ outcome: "failed", status });
    }
  });

  it("follows no redirect: a 3xx is a failure and its Location is never requested", async () => {
    const elsewhere = await answering(200);
    for (const status of [301, 302, 307, 308]) {
      const server = await answering(status, { location: elsewhere.url("/stolen") });
      expect(await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({ outcome: "failed", status });
    }
    expect(elsewhere.received).toEqual([]);
  });

  it("answers retry when the callback does not answer in time", async () => {
    const server = await serve(() => {
      // Never answers.
    });
    const result = await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: 200 });
    expect(result).toEqual({ outcome: "retry", failure: "timeout" });
    expect(server.received).toHaveLength(1);
  });

  it("answers retry when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await postToCallback(await checked(`http://127.0.0.1:${port}/hook`), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS });
    expect(result).toEqual({ outcome: "retry", failure: "connection" });
  });

  it("answers retry when the callback drops the connection", async () => {
    const server = await serve((_request, response) => response.socket?.destroy());
    expect(await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({
      outcome: "retry",
      failure: "connection",
    });
  });

  it("answers retry, aborted, when cancelled before or during the attempt", async () => {
    const server = await serve(() => {
      // Never answers: the signal ends the attempt.
    });
    const target = await checked(server.url("/hook"));
    expect(await postToCallback(target, MESSAGE, { timeoutInMs: TIMEOUT_IN_MS, signal: AbortSignal.abort() })).toEqual({
      outcome: "retry",
      failure: "aborted",
    });
    expect(server.received).toEqual([]);
    const controller = new AbortController();
    const attempt = postToCallback(target, MESSAGE, { timeoutInMs: TIMEOUT_IN_MS, signal: controller.signal });
    await expect.poll(() => server.received.length).toBe(1);
    controller.abort();
    expect(await attempt).toEqual({ outcome: "retry", failure: "aborted" });
  });

  it("reads at most a few KB of an endless answer, then closes the connection", async () => {
    let written = 0;
    let closedByClient: Promise<void> = Promise.resolve();
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    const server = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      closedByClient = new Promise<void>((resolve) => response.on("close", () => resolve()));
      const pump = () => {
        while (!response.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end();
      };
      pump();
    });
    const result = await postToCallback(await checked(server.url("/hook")), MESSAGE, { timeoutInMs: TIMEOUT_IN_MS, maxResponseBytes: 4096 });
    expect(result).toEqual({ outcome: "delivered", status: 200 });
    await closedByClient;
    // The server stopped long before the 512 MiB it would have sent: the client closed the connection.
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});
