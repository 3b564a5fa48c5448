/**
 * Telemetry end to end: the API as a real process (as `npm start` runs it) on the emulator, exporting OTLP over
 * HTTP to a receiver in this test. One request with a W3C traceparent gives a server span and the Service Bus SDK's
 * own span in that trace, the message received with the raw SDK carries the trace in Diagnostic-Id, and the
 * metrics arrive. With telemetry off, no exporter (nor the OpenTelemetry SDK) is even loaded.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ServiceBusClient } from "@azure/service-bus";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../../api/src/auth/api-keys.js";
import { createEmulator } from "../../../emulator/src/create-emulator.js";
import type { Emulator } from "../../../emulator/src/create-emulator.js";
import { apiTestEmulatorConfig } from "../../helpers/api-fixture.js";
import { REPO_ROOT } from "../../helpers/child-processes.js";
import { testClientOptions } from "../../helpers/emulator-fixture.js";

const API_KEY = `telemetry-test-${randomBytes(8).toString("hex")}`;
const BODY_MARKER = `body-marker-${randomBytes(6).toString("hex")}`;
const RUN_ID = "08585000000000000000000000000CU01";
const IMPORT_RECORDER = pathToFileURL(path.join(REPO_ROOT, "test/helpers/import-recorder.mjs")).href;

interface Export {
  path: string;
  contentType: string;
  body: Buffer;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}

let receiver: Server;
let exports: Export[] = [];
let emulator: Emulator;
let work: string;
const children = new Set<ChildProcess>();

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((each) => each.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
}

function jsonSpans(): OtlpSpan[] {
  return exports
    .filter((each) => each.path === "/v1/traces" && each.contentType.includes("json"))
    .flatMap((each) => {
      const parsed = JSON.parse(each.body.toString("utf8")) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }> };
      return (parsed.resourceSpans ?? []).flatMap((resource) => (resource.scopeSpans ?? []).flatMap((scope) => scope.spans ?? []));
    });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutInMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutInMs} ms (${exports.length} exports received)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Started {
  baseUrl: string;
  output: () => string;
  importedUrls: () => string[];
  stop: () => Promise<number | null>;
}

/** Starts `api/src/server.ts` under tsx, recording every module it imports. */
async function startApi(env: Record<string, string>): Promise<Started> {
  const importLog = path.join(work, `imports-${randomBytes(4).toString("hex")}.log`);
  writeFileSync(importLog, "");
  const child = spawn(process.execPath, ["--import", "tsx", "--import", IMPORT_RECORDER, "api/src/server.ts"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_OPTIONS: "",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      SERVICEBUS_CONNECTION_STRING: emulator.connectionString,
      CONFIG_FILE: path.join(work, "bridge.json"),
      IMPORT_RECORDER_LOG: importLog,
      OTEL_EXPORTER_OTLP_ENDPOINT: "",
      APPLICATIONINSIGHTS_CONNECTION_STRING: "",
      ...env,
    },
  });
  children.add(child);
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 60 s:\n${output}`)), 60_000);
    child.stdout.on("data", () => {
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
  return {
    baseUrl,
    output: () => output,
    importedUrls: () => readFileSync(importLog, "utf8").split("\n").filter(Boolean),
    stop: async () => {
      child.kill("SIGTERM");
      const code = await exited;
      children.delete(child);
      return code;
    },
  };
}

async function sendTraced(baseUrl: string, traceId: string, parentSpanId: string): Promise<number> {
  const response = await fetch(`${baseUrl}/entities/orders/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-API-Key": API_KEY, traceparent: `00-${traceId}-${parentSpanId}-01`, "x-ms-workflow-run-id": RUN_ID },
    body: JSON.stringify({ body: { note: BODY_MARKER } }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function receiveOne(): Promise<Record<string, unknown>> {
  const client = new ServiceBusClient(emulator.connectionString, testClientOptions);
  try {
    const receiver = client.createReceiver("orders", { receiveMode: "receiveAndDelete" });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 10_000 });
    if (!message) throw new Error("no message received");
    return message.applicationProperties ?? {};
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "sbb-telemetry-"));
  writeFileSync(
    path.join(work, "bridge.json"),
    JSON.stringify({ entities: { queues: ["orders"] }, apiKeys: [{ name: "telemetry", sha256: hashApiKey(API_KEY), scopes: ["send", "listen"] }] }),
  );
  emulator = await createEmulator({ config: apiTestEmulatorConfig() });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      exports.push({ path: req.url ?? "", contentType: req.headers["content-type"] ?? "", body: Buffer.concat(chunks) });
      res.writeHead(200, { "Content-Type": req.headers["content-type"] ?? "application/json" });
      res.end(req.headers["content-type"]?.includes("json") ? "{}" : "");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
});

afterEach(() => {
  exports = [];
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await new Promise((resolve) => receiver?.close(resolve));
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

const otlpEnv = (protocol: string): Record<string, string> => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_BSP_SCHEDULE_DELAY: "100",
  OTEL_METRIC_EXPORT_INTERVAL: "500",
});

describe("telemetry (OTLP over HTTP)", () => {
  it("http/json: a server span continuing the traceparent, the SDK's Service Bus span in the same trace, Diagnostic-Id on the message, metrics, trace ids in the log", {
    timeout: 120_000,
  }, async () => {
    const api = await startApi(otlpEnv("http/json"));
    const traceId = randomBytes(16).toString("hex");
    const parentSpanId = randomBytes(8).toString("hex");
    expect(await sendTraced(api.baseUrl, traceId, parentSpanId)).toBe(201);

    const diagnosticId = (await receiveOne())["Diagnostic-Id"];
    expect(diagnosticId).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));

    const server = await until("the server span", () => jsonSpans().find((span) => span.traceId === traceId && span.kind === 2));
    expect(server.parentSpanId).toBe(parentSpanId);
    expect(server.name).toBe("POST /entities/:entity/messages");
    expect(attribute(server, "bridge.operation")).toBe("SendMessage");
    expect(attribute(server, "bridge.workflow.run_id")).toBe(RUN_ID);
    expect(String(attribute(server, "http.response.status_code"))).toBe("201");
    // The SDK's send span (it also makes a "message" span for each message it adds to a batch).
    const serviceBus = await until("the Service Bus SDK's span", () =>
      jsonSpans().find((span) => span.traceId === traceId && attribute(span, "messaging.system") === "servicebus" && /ServiceBusSender/.test(span.name)),
    );
    expect(serviceBus.name).toMatch(/ServiceBusSender/);
    // The message's trace context is a span of the request's trace, the one the server span opened.
    expect(String(diagnosticId).split("-")[2]).toBe(server.spanId);

    const metrics = await until("the request metric", () => {
      const text = exports
        .filter((each) => each.path === "/v1/metrics")
        .map((each) => each.body.toString("utf8"))
        .join("\n");
      return text.includes("bridge.requests") && text.includes("SendMessage") ? text : undefined;
    });
    expect(metrics).toContain("bridge.request.duration");
    expect(metrics).toContain("bridge.locks.held");
    expect(metrics).toContain("bridge.sessions.held");

    const everything = exports.map((each) => each.body.toString("utf8")).join("\n");
    for (const secret of [API_KEY, BODY_MARKER, emulator.connectionString, "SharedAccessKey"]) expect(everything).not.toContain(secret);
    // Log lines are written in the background: all of them are out once the process has stopped.
    expect(await api.stop()).toBe(0);
    const requestLine = api
      .output()
      .split("\n")
      .find((line) => line.includes('"msg":"request"') && line.includes("/entities/orders/messages"));
    expect(requestLine).toContain(`"traceId":"${traceId}"`);
  });

  it("http/protobuf: the spans arrive as protobuf carrying the request's trace id", { timeout: 120_000 }, async () => {
    const api = await startApi(otlpEnv("http/protobuf"));
    const traceId = randomBytes(16).toString("hex");
    expect(await sendTraced(api.baseUrl, traceId, randomBytes(8).toString("hex"))).toBe(201);
    expect(String((await receiveOne())["Diagnostic-Id"])).toContain(traceId);
    const traces = await until("a protobuf trace export with the trace id", () =>
      exports.find((each) => each.path === "/v1/traces" && each.contentType === "application/x-protobuf" && each.body.includes(Buffer.from(traceId, "hex"))),
    );
    expect(traces.body.includes(Buffer.from(BODY_MARKER))).toBe(false);
    expect(await api.stop()).toBe(0);
  });

  it("off when neither variable is set: no exporter and no OpenTelemetry SDK is loaded, and messages carry no Diagnostic-Id", {
    timeout: 120_000,
  }, async () => {
    const off = await startApi({});
    expect(await sendTraced(off.baseUrl, randomBytes(16).toString("hex"), randomBytes(8).toString("hex"))).toBe(201);
    expect((await receiveOne())["Diagnostic-Id"]).toBeUndefined();
    const offImports = off.importedUrls();
    expect(await off.stop()).toBe(0);
    expect(
      offImports.some((url) => url.includes("/api/src/server.ts")),
      "the recorder saw the server's imports",
    ).toBe(true);
    const telemetryPackages = /@opentelemetry\/(exporter-|sdk-|resources)|@azure\/monitor-opentelemetry|opentelemetry-instrumentation-azure-sdk/;
    expect(offImports.filter((url) => telemetryPackages.test(url))).toEqual([]);

    // The same recorder sees them when telemetry is on, so the check above can fail.
    const on = await startApi(otlpEnv("http/json"));
    const onImports = on.importedUrls();
    expect(await on.stop()).toBe(0);
    expect(onImports.filter((url) => telemetryPackages.test(url)).length).toBeGreaterThan(0);
  });
});
