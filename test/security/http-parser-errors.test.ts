/**
 * Requests Node's HTTP parser refuses before the app sees them (a 70,000-character path, an oversized
 * header, a malformed request line or header, a broken chunked body) are answered like every other 4xx:
 * application/problem+json with a stable code, not Node's bare status line. Sent over raw sockets, as
 * no HTTP client sends such bytes.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_KEYS, startApiFixture } from "../helpers/api-fixture.js";
import type { ApiFixture } from "../helpers/api-fixture.js";

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes the bytes, reads until the server closes the connection, and parses the one response. */
function exchange(baseUrl: string, bytes: string): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", body = ""] = text.split("\r\n\r\n", 2);
      const [statusLine = "", ...headerLines] = head.split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
    socket.write(bytes);
  });
}

function expectProblem(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(Number(answer.headers["content-length"])).toBe(Buffer.byteLength(answer.body));
  const problem = JSON.parse(answer.body) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code, type: `/problems/${code}` });
  expect(problem["requestId"]).toBe(answer.headers["x-request-id"]);
}

describe("security: errors of Node's HTTP parser are problems", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture();
  });
  afterAll(async () => fixture.close());

  it("answers a 70,000-character path with 431 RequestHeadersTooLarge", async () => {
    const answer = await exchange(
      fixture.api.baseUrl,
      `GET /queues/${"a".repeat(70_000)}/messages/peek HTTP/1.1\r\nHost: x\r\nX-API-Key: ${TEST_KEYS.admin}\r\n\r\n`,
    );
    expectProblem(answer, 431, "RequestHeadersTooLarge");
  });

  it("answers an oversized header with 431 RequestHeadersTooLarge", async () => {
    const answer = await exchange(fixture.api.baseUrl, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: ${"b".repeat(20_000)}\r\n\r\n`);
    expectProblem(answer, 431, "RequestHeadersTooLarge");
  });

  it("answers a malformed request line, a malformed header and a broken chunked body with 400 MalformedRequest", async () => {
    const requests = [
      "NOT A REQUEST\r\n\r\n",
      "GET /healthz HTTP/9.x\r\nHost: x\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
      `POST /entities/orders/messages HTTP/1.1\r\nHost: x\r\nX-API-Key: ${TEST_KEYS.admin}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    ];
    for (const request of requests) {
      expectProblem(await exchange(fixture.api.baseUrl, request), 400, "MalformedRequest");
    }
  });

  it("answers a Host header that names no host as a request without one: never a 500", async () => {
    for (const host of ["a b", "[::1"]) {
      const peek = await exchange(
        fixture.api.baseUrl,
        `GET /queues/orders/peek HTTP/1.1\r\nHost: ${host}\r\nX-API-Key: ${TEST_KEYS.admin}\r\nConnection: close\r\n\r\n`,
      );
      expect(peek.status, `${host}: ${peek.body}`).toBe(200);
      const document = await exchange(fixture.api.baseUrl, `GET /openapi.json HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(document.status).toBe(200);
      expect((JSON.parse(document.body) as { servers: unknown }).servers).toEqual([{ url: "/" }]);
    }
  });

  it("still answers well-formed requests on the same server", async () => {
    const answer = await exchange(fixture.api.baseUrl, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer.status).toBe(200);
  });
});
