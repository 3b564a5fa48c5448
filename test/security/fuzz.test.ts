/**
 * Bad input, generated: fast-check builds thousands of malformed and hostile requests for every
 * operation of the contract registry (hostile path segments including traversal and bad percent
 * encodings, wrong query types and repeats, mutated and broken bodies, deep nesting, invalid UTF-8,
 * prototype-pollution keys, bodies over the limit, bad lock tokens and sequence numbers, odd content
 * types and encodings) and sends them over real HTTP to the API on the emulator. Every answer must be a
 * 2xx or a 4xx `application/problem+json` whose `code` is in the problem table: never a 5xx, never a
 * dropped connection. Afterwards the API is still healthy, Object.prototype is clean, and RSS growth
 * is bounded.
 *
 * Some requests use scoped keys (one queue, one subscription, one topic with manage): such a key never gets
 * a 2xx for an entity outside its allow-list, and the lists it gets name only entities its allow-list covers.
 *
 * Requests go through `node:http` rather than fetch so that paths reach the server byte for byte
 * (fetch would normalise `..` segments and re-encode characters).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyRecord } from "../../api/src/auth/api-keys.js";
import { hashApiKey } from "../../api/src/auth/api-keys.js";
import type { AnyOperation } from "../../api/src/contract/operation.js";
import { OPERATIONS } from "../../api/src/contract/registry.js";
import { isProblemCode } from "../../api/src/problems/codes.js";
import { apiTestEmulatorConfig, startApiFixture } from "../helpers/api-fixture.js";
import { queuesConfig } from "../helpers/emulator-fixture.js";

const CONTROL_QUEUE = "bridge-control";
import type { ApiFixture } from "../helpers/api-fixture.js";
import { TEST_KEY_RECORDS, TEST_KEYS } from "../helpers/api-fixture.js";
import { sampleBody } from "../helpers/operation-samples.js";

/** Runs per operation; with ~40 operations this is a few thousand requests, well inside a minute on 2 cores. */
const RUNS_PER_OPERATION = 55;
/** The fixture's JSON body limit. */
const BODY_LIMIT = 64 * 1024;

/** Keys limited to part of the exposed entities, with their allow-lists. */
const SCOPED_KEYS = {
  "fuzz-orders-listener": { key: TEST_KEYS.ordersListener, scopes: ["listen"], entities: ["orders"] },
  "fuzz-billing-worker": { key: "fuzz-billing-worker-key", scopes: ["send", "listen"], entities: ["events/billing"] },
  "fuzz-events-manager": { key: "fuzz-events-manager-key", scopes: ["send", "listen", "manage"], entities: ["events"] },
  "fuzz-short-lock-sender": { key: "fuzz-short-lock-sender-key", scopes: ["send"], entities: ["short-lock"] },
} as const satisfies Record<string, Omit<ApiKeyRecord, "name" | "sha256"> & { key: string }>;

const API_KEYS: ApiKeyRecord[] = [
  ...TEST_KEY_RECORDS,
  ...Object.entries(SCOPED_KEYS)
    .filter(([, scoped]) => scoped.key !== TEST_KEYS.ordersListener)
    .map(([name, scoped]) => ({ name, sha256: hashApiKey(scoped.key), scopes: [...scoped.scopes], entities: [...scoped.entities] })),
];

/** The allow-list of a scoped key, by its plain text. */
const ALLOW_LISTS = new Map<string, readonly string[]>(Object.values(SCOPED_KEYS).map((scoped) => [scoped.key, scoped.entities]));

/** One generated request. */
interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** An answer, or how the exchange failed. */
interface FuzzAnswer {
  status: number;
  contentType: string;
  text: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function send(baseUrl: string, request: FuzzRequest): Promise<FuzzAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // An explicit length: Node's client frames a GET body neither by length nor chunked on its own.
    const headers = request.body === undefined ? request.headers : { ...request.headers, "Content-Length": String(request.body.length) };
    const req = http.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 20 s")));
    req.on("error", reject);
    req.end(request.body);
  });
}

/** Percent-encodes every byte of the UTF-8 form except unreserved characters (lone surrogates become U+FFFD). */
function pct(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9._~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Path segments sent verbatim (already URL-safe): traversal, bad encodings, look-alikes of real entities. */
const RAW_SEGMENTS = [
  "..",
  "../hidden",
  "..%2Fhidden",
  "%2e%2e",
  "%2e%2e%2fhidden",
  "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
  "orders%2F..%2Fhidden",
  "orders%2f..%2f..%2fhidden",
  "..%5c..%5chidden",
  "%252e%252e%252fhidden",
  "%C0%AE%C0%AE%2Fhidden",
  "orders%00",
  "%00",
  "%",
  "%zz",
  "%E0%A4%A",
  "%ED%A0%80",
  "%FF%FE",
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "hidden",
  "HIDDEN",
  "ORDERS",
  "orders.",
  "-orders",
  "orders%20",
  "%20orders",
  "events%2Fsubscriptions%2Fbilling",
  "a".repeat(300),
  "$management",
  "orders%2F%24DeadLetterQueue",
  "orders;x=1",
  "orders%3Bx%3D1",
];

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 1500 }),
  fc.constantFrom("__proto__", "constructor", "prototype", "../", "%2e%2e%2f", "\u0000", "\uFFFF", "\uD800", "\u202E", "null", "undefined", "NaN"),
);

const hostileSegment = fc.oneof(fc.constantFrom(...RAW_SEGMENTS), hostileText.map(pct));

const hostileLockToken = fc.oneof(
  fc.uuid().map((uuid) => uuid),
  fc.uuid().map((uuid) => uuid.toUpperCase()),
  fc.uuid().map((uuid) => `{${uuid}}`),
  fc.uuid().map((uuid) => uuid.replace(/-/g, "")),
  fc.constantFrom("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "not-a-uuid", "1", "00000000-0000-4000-8000-00000000000g"),
  hostileSegment,
);

/** Numbers and number-like strings that are wrong for counts, waits and 64-bit sequence numbers. */
const hostileNumberText = fc.oneof(
  fc.constantFrom("-1", "0", "1e400", "NaN", "Infinity", "-Infinity", "0x10", "1.5", " 1", "1 ", "+1", "", "true", "null", "[]", "{}", "01"),
  fc.constantFrom(
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "9999999999999999999",
    "99999999999999999999",
    "-9223372036854775809",
  ),
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map(String),
  fc.double().map(String),
);

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileNumberText,
  hostileText,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, [], {}, [null], { __proto__: null }),
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map((value) => [String(value)]),
);

const CONTENT_TYPES = [
  "application/json",
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "application/merge-patch+json",
  "application/json; charset=latin1",
  "application/json; charset=utf-16",
  "application/json; charset=bogus",
  "text/plain",
  "text/json",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "",
  "*/*",
];
const CONTENT_ENCODINGS = ["gzip", "deflate", "br", "identity", "compress", "x-bogus"];

/** Raw JSON texts whose keys try to pollute prototypes, placed where the contract's objects are. */
function pollutionBodies(sample: unknown): string[] {
  const proto = '"__proto__":{"polluted":"yes","body":1}';
  const ctor = '"constructor":{"prototype":{"polluted":"yes"}}';
  const base = JSON.stringify(sample ?? {}).slice(1, -1);
  const join = (extra: string): string => `{${base}${base.length > 0 ? "," : ""}${extra}}`;
  return [
    join(proto),
    join(ctor),
    `{${proto},${ctor}}`,
    '{"body":1,"applicationProperties":{"__proto__":{"polluted":"yes"},"constructor":"x"}}',
    '{"messages":[{"body":1,"__proto__":{"polluted":"yes"}}],"__proto__":[]}',
    '{"propertiesToModify":{"__proto__":{"polluted":"yes"},"toString":"x","hasOwnProperty":1}}',
    '{"sequenceNumbers":{"__proto__":["1"],"length":1,"0":"1"}}',
    '{"state":{"__proto__":{"polluted":"yes"}},"stateEncoding":"json"}',
    '[{"__proto__":{"polluted":"yes"}}]',
  ];
}

/** Body bytes: mutated samples, random JSON, broken JSON, deep nesting, invalid UTF-8, over the limit. */
function bodyArbitrary(operation: AnyOperation): fc.Arbitrary<Buffer | undefined> {
  const sample = operation.request.body ? sampleBody(operation) : {};
  const sampleObject = typeof sample === "object" && sample !== null && !Array.isArray(sample) ? (sample as Record<string, unknown>) : {};
  const keys = Object.keys(sampleObject);
  const mutated = fc
    .record({
      drop: fc.subarray(keys),
      set: fc.dictionary(
        fc.oneof(
          fc.constantFrom(...(keys.length > 0 ? keys : ["body"]), "messages", "body", "sequenceNumbers", "state", "extra"),
          fc.string({ maxLength: 10 }),
        ),
        hostileJson,
        { maxKeys: 3 },
      ),
    })
    .map(({ drop, set }) => {
      const copy: Record<string, unknown> = { ...sampleObject };
      for (const key of drop) delete copy[key];
      for (const [key, value] of Object.entries(set)) copy[key] = value;
      return Buffer.from(JSON.stringify(copy), "utf8");
    });
  const nestedArray = fc.integer({ min: 500, max: 40_000 }).map((depth) => Buffer.from(`{"body":${"[".repeat(depth)}${"]".repeat(depth)},"messages":[]}`));
  const nestedObject = fc.integer({ min: 500, max: 10_000 }).map((depth) => Buffer.from(`${'{"body":'.repeat(depth)}1${"}".repeat(depth)}`));
  const nestedMessages = fc
    .integer({ min: 200, max: 5_000 })
    .map((depth) =>
      Buffer.from(
        JSON.stringify({ messages: [{ body: 1, applicationProperties: { a: 1 } }], state: 1 }).replace('"a":1', `"a":${"[".repeat(depth)}${"]".repeat(depth)}`),
      ),
    );
  const invalidUtf8 = fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) =>
      Buffer.concat([
        Buffer.from('{"body":"'),
        Buffer.from([0xff, 0xc0, 0xed, 0xa0, 0x80]),
        Buffer.from(bytes),
        Buffer.from('","messages":[{"body":"\xff"}],"state":"x"}', "latin1"),
      ]),
    );
  const oversize = fc
    .integer({ min: BODY_LIMIT - 100, max: BODY_LIMIT * 4 })
    .map((size) => Buffer.from(JSON.stringify({ ...sampleObject, body: "x".repeat(size) })));
  const hugeField = fc
    .integer({ min: 1_000, max: BODY_LIMIT - 200 })
    .map((size) => Buffer.from(JSON.stringify({ ...sampleObject, messageId: "m".repeat(size), deadLetterReason: "r".repeat(size) })));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? "null")) },
    { weight: 2, arbitrary: fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)) },
    { weight: 2, arbitrary: fc.constantFrom(...pollutionBodies(sample)).map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: nestedArray },
    { weight: 1, arbitrary: nestedObject },
    { weight: 1, arbitrary: nestedMessages },
    { weight: 2, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: oversize },
    { weight: 1, arbitrary: hugeField },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const RECEIVE_OPERATIONS = new Set(["ReceiveMessagesFromQueue", "ReceiveMessagesFromSubscription"]);

/** The query string: the declared keys and hostile ones, with hostile values, sometimes repeated. */
function queryArbitrary(operation: AnyOperation): fc.Arbitrary<string> {
  const declared = Object.keys(operation.request.query?.properties ?? {});
  const key = fc.oneof(
    { weight: 4, arbitrary: declared.length > 0 ? fc.constantFrom(...declared) : fc.constant("maxMessages") },
    {
      weight: 1,
      arbitrary: fc.constantFrom("__proto__", "constructor", "__proto__[polluted]", "constructor[prototype][polluted]", "toString", "maxMessages[]", "a[b][c]"),
    },
    { weight: 1, arbitrary: hostileText.map(pct) },
  );
  const value = fc.oneof(
    hostileNumberText.map(pct),
    hostileText.map(pct),
    fc.constantFrom("deadLetter", "active", "*", "receiveAndDelete", "peekLock", "1", "10", "%", "%zz", "%00"),
  );
  // Receives never wait here: a maxWaitSeconds=0 first, so a generated one only turns it into a (rejected) list.
  const prefix = RECEIVE_OPERATIONS.has(operation.operationId) ? ["maxWaitSeconds=0"] : [];
  return fc.array(fc.tuple(key, value), { maxLength: 6 }).map((pairs) => {
    const parts = [...prefix, ...pairs.map(([name, text]) => `${name}=${text}`)];
    return parts.length === 0 ? "" : `?${parts.join("&")}`;
  });
}

const VALID_SEGMENTS: Record<string, readonly string[]> = {
  entity: ["orders", "events", "short-lock"],
  queue: ["orders", "short-lock"],
  topic: ["events"],
  subscription: ["audit", "billing"],
  sessionId: ["session-1"],
  eventType: ["OrderSubmitted"],
  lockToken: ["00000000-0000-4000-8000-000000000000"],
};

/** The path: each parameter valid or hostile. */
function pathArbitrary(operation: AnyOperation): fc.Arbitrary<string> {
  const names = [...operation.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] ?? "");
  const segments = names.map((name) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...(VALID_SEGMENTS[name] ?? ["x"])) },
      { weight: 3, arbitrary: name === "lockToken" ? hostileLockToken : hostileSegment },
    ),
  );
  return fc.tuple(...segments).map((values) => {
    let index = 0;
    return operation.path.replace(/\{([A-Za-z0-9_]+)\}/g, () => values[index++] ?? "x");
  });
}

/** A hostile request for one operation. */
function requestArbitrary(operation: AnyOperation): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: pathArbitrary(operation),
      query: queryArbitrary(operation),
      body: bodyArbitrary(operation),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      encoding: fc.option(fc.constantFrom(...CONTENT_ENCODINGS), { freq: 8 }),
      key: fc.oneof(
        { weight: 9, arbitrary: fc.constant(TEST_KEYS.admin) },
        { weight: 4, arbitrary: fc.constantFrom(...Object.values(SCOPED_KEYS).map((scoped) => scoped.key)) },
        { weight: 1, arbitrary: fc.constantFrom(TEST_KEYS.sender, "", "wrong") },
      ),
    })
    .map(({ path, query, body, contentType, encoding, key }) => {
      const headers: Record<string, string> = { "X-API-Key": key };
      if (body !== undefined) {
        if (contentType !== "") headers["Content-Type"] = contentType;
        if (encoding !== null) headers["Content-Encoding"] = encoding;
      }
      return { method: operation.method.toUpperCase(), path: `${path}${query}`, headers, body };
    });
}

function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? "" : ` body(${request.body.length} B): ${request.body.subarray(0, 300).toString("latin1")}`;
  return `${request.method} ${request.path.slice(0, 400)} ${JSON.stringify(request.headers)}${body}`;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Whether an allow-list covers a queue or topic name, or a subscription of a topic. */
function covers(allowed: readonly string[], name: string, subscription?: string): boolean {
  return allowed.some((entry) => same(entry, name) || (subscription !== undefined && same(entry, `${name}/${subscription}`)));
}

/** The path parameters of a request that reached its operation (undefined when the path does not parse). */
function pathParams(operation: AnyOperation, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = operation.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const match = new RegExp(`^${pattern}/?$`, "i").exec(path.split("?")[0] ?? "");
  if (!match) return undefined;
  try {
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? "")]));
  } catch {
    return undefined;
  }
}

/** For a scoped key's 2xx: the entity it acted on, and every entity a list names, are inside its allow-list. */
function checkAllowList(operation: AnyOperation, request: FuzzRequest, answer: FuzzAnswer, label: string): void {
  const allowed = ALLOW_LISTS.get(request.headers["X-API-Key"] ?? "");
  if (!allowed || answer.status >= 300) return;
  const params = pathParams(operation, request.path);
  expect(params, `${label}\n(a 2xx for a path that does not parse)`).toBeDefined();
  const { entity, queue, topic, subscription } = params ?? {};
  if (entity !== undefined) expect(covers(allowed, entity), `${label}\n(outside the allow-list)`).toBe(true);
  if (queue !== undefined) expect(covers(allowed, queue), `${label}\n(outside the allow-list)`).toBe(true);
  if (topic !== undefined && subscription !== undefined) expect(covers(allowed, topic, subscription), `${label}\n(outside the allow-list)`).toBe(true);
  if (answer.text.length === 0 || !answer.contentType.includes("json")) return;
  const body = JSON.parse(answer.text) as { value?: Array<{ name?: string; topic?: string }>; eventTypes?: Array<{ entities?: string[] }> };
  for (const item of body.value ?? []) {
    if (typeof item.name !== "string") continue;
    const listed =
      item.topic !== undefined
        ? covers(allowed, item.topic, item.name)
        : covers(allowed, item.name) || allowed.some((entry) => same(entry.split("/")[0] ?? "", item.name ?? ""));
    expect(listed, `${label}\n(lists ${item.topic ? `${item.topic}/` : ""}${item.name})`).toBe(true);
  }
  for (const name of (body.eventTypes ?? []).flatMap((eventType) => eventType.entities ?? []))
    expect(covers(allowed, name), `${label}\n(names ${name})`).toBe(true);
}

/** The property every answer must have. */
function checkAnswer(operation: AnyOperation, request: FuzzRequest, answer: FuzzAnswer): void {
  const label = `${describeRequest(request)}\n-> ${answer.status} ${answer.contentType} ${answer.text.slice(0, 500)}`;
  checkAllowList(operation, request, answer, label);
  expect(answer.status, label).toBeGreaterThanOrEqual(200);
  expect(answer.status, label).toBeLessThan(500);
  expect(answer.status === 204 || answer.status < 300 || answer.status >= 400, label).toBe(true);
  if (answer.status >= 400) {
    expect(answer.contentType, label).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(answer.text) as { code?: unknown; status?: unknown };
    expect(typeof problem.code === "string" && isProblemCode(problem.code), label).toBe(true);
    expect(problem.status, label).toBe(answer.status);
  }
}

describe("security: generated malformed and hostile requests to every operation", () => {
  let fixture: ApiFixture;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    // With webhook triggers on, so subscribe and its state are fuzzed too (their registry lives on a control queue).
    const config = apiTestEmulatorConfig();
    const controlQueue = queuesConfig({ [CONTROL_QUEUE]: { RequiresSession: true } }).queues;
    fixture = await startApiFixture(
      { ...config, queues: [...config.queues, ...controlQueue] },
      { apiKeys: API_KEYS, webhooks: { controlQueue: CONTROL_QUEUE } },
    );
    // Something to receive, peek and settle while the fuzzer runs.
    for (let index = 0; index < 5; index += 1) {
      await fixture.api.request("POST", "/entities/orders/messages", { body: { body: { index }, messageId: randomUUID() } });
      await fixture.api.request("POST", "/entities/events/messages", { body: { body: { index } } });
    }
  });
  afterAll(async () => {
    agent.destroy();
    await fixture?.close();
  });

  it("answers every generated request with a 2xx or a 4xx problem from the table, stays up, keeps prototypes clean and memory bounded", async () => {
    const baseUrl = fixture.api.baseUrl;
    // Warm up (JIT, ajv, SDK links) before the memory baseline.
    for (const operation of OPERATIONS)
      await send(baseUrl, { method: operation.method.toUpperCase(), path: operation.path, headers: { "X-API-Key": TEST_KEYS.admin }, body: undefined });
    const rssBefore = process.memoryUsage().rss;
    let total = 0;
    for (const operation of OPERATIONS) {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(operation), async (request) => {
          const answer = await send(baseUrl, request);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          total += 1;
          checkAnswer(operation, request, answer);
        }),
        { numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
      const health = await send(baseUrl, { method: "GET", path: "/healthz", headers: {}, body: undefined });
      expect(health.status, `healthz after ${operation.operationId}`).toBe(200);
    }
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    console.log(
      `fuzz: ${total} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}, RSS growth ${Math.round(rssGrowth / 1048576)} MB`,
    );

    expect(total).toBe(OPERATIONS.length * RUNS_PER_OPERATION);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    // Generous: the test process holds the emulator, the API and fast-check; a leak of even a few
    // kilobytes per request would pass this, but unbounded buffering of bodies would not.
    expect(rssGrowth).toBeLessThan(300 * 1024 * 1024);
    // The API still works for well-formed requests.
    const ready = await fixture.api.request("GET", "/readyz", { key: null });
    expect(ready.status).toBe(200);
    const sent = await fixture.api.request("POST", "/entities/orders/messages", { body: { body: "after the fuzzing" } });
    expect(sent.status).toBe(201);
  }, 120_000);
});
