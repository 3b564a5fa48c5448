/**
 * Regression tests for requests the API cannot read, found by the fuzz suite: a body whose
 * Content-Encoding stream is corrupt, and a path segment that is not valid percent-encoding, were
 * answered 500 InternalError; they are the caller's mistakes and get a 400 ValidationFailed problem.
 */
import http from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_KEYS, startApiFixture } from "../helpers/api-fixture.js";
import type { ApiFixture } from "../helpers/api-fixture.js";

/** A raw request: the path is sent byte for byte (fetch would re-encode it). */
function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; type: string; json: unknown }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { "X-API-Key": TEST_KEYS.admin, ...headers, ...(body ? { "Content-Length": String(body.length) } : {}) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), json: text ? (JSON.parse(text) as unknown) : undefined }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("security: requests the API cannot read get 400 problems", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture();
  });
  afterAll(async () => fixture.close());

  it("answers a corrupt gzip, deflate or br body with 400 ValidationFailed, and reads a valid gzip body", async () => {
    for (const encoding of ["gzip", "deflate", "br"]) {
      const answer = await rawRequest(
        fixture.api.baseUrl,
        "POST",
        "/entities/orders/messages",
        { "Content-Type": "application/json", "Content-Encoding": encoding },
        Buffer.from('{"body":"not compressed"}'),
      );
      expect(answer.status, encoding).toBe(400);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(answer.json, encoding).toMatchObject({ code: "ValidationFailed", errors: { body: [{ field: "" }] } });
    }
    const valid = await rawRequest(
      fixture.api.baseUrl,
      "POST",
      "/entities/orders/messages",
      { "Content-Type": "application/json", "Content-Encoding": "gzip" },
      gzipSync('{"body":"compressed"}'),
    );
    expect(valid.status).toBe(201);
  });

  it("answers a path segment that is not valid percent-encoding with 400 ValidationFailed", async () => {
    for (const path of ["/queues/%zz/peek", "/queues/%E0%A4%A/peek", "/entities/%/messages", "/queues/orders/locks/%FF%FE/complete"]) {
      const answer = await rawRequest(fixture.api.baseUrl, path.includes("peek") ? "GET" : "POST", path, {});
      expect(answer.status, path).toBe(400);
      expect(answer.type, path).toMatch(/^application\/problem\+json/);
      expect(answer.json, path).toMatchObject({ code: "ValidationFailed", errors: { params: [{ field: "" }] } });
    }
  });
});
