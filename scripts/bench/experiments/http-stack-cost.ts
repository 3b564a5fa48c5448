/**
 * EXPERIMENT (not part of `npm run bench`): what each layer of the API's HTTP stack costs per request, as CPU time
 * of the server process, from a bare `node:http` server up to the API sending through the SDK to an emulator.
 *
 *   node --import tsx scripts/bench/experiments/http-stack-cost.ts [--requests N] [--rounds R] [--concurrency C] [--only VARIANT]... [--profile-dir DIR]
 *
 * Each variant runs in its own process (`--serve VARIANT`); the load generator (lib/http-client.ts, keep-alive,
 * one connection per concurrent request, the bench's 1 KB SendMessage body) sends N requests after a warm-up of
 * N; the server's user + system CPU over those N requests is read with process.cpuUsage over IPC. Variants run
 * in turn, R rounds, and the table keeps each variant's lowest CPU per request (the least disturbed by the
 * machine's other load; the runs' spread is printed too). CPU per request, not requests per second: the machine
 * is shared. With --profile-dir the servers run under `node --cpu-prof`, their profiles written there.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import express from "express";
import helmet from "helmet";
import {
  DEMO_EVENT_CATALOG_DIR,
  createApp,
  createLogger,
  createServiceBusClients,
  createServiceBusGateway,
  hashApiKey,
  loadEventCatalog,
} from "../../../api/src/index.js";
import type { MessagingPort } from "../../../api/src/index.js";
// Not public: this experiment measures the request-context layer on its own.
import { requestContextMiddleware } from "../../../api/src/http/request-context.js";
import { askChild, stopChild } from "../lib/child-control.js";
import { startEmulatorProcess } from "../lib/emulator-process.js";
import { httpClient } from "../lib/http-client.js";
import { jsonBody } from "../lib/payload.js";

const VARIANTS = {
  bare: "node:http: read the body, JSON.parse, answer 201",
  "express-noop": "Express app, one middleware doing the same as bare",
  "express-route": "Express app, the route /entities/:entity/messages doing the same as bare",
  "express-json": "Express app, express.json(), one middleware answering with writeHead/end",
  "express-json-route": "Express app, express.json(), the route, res.status(201).json()",
  "express-json-route-helmet": "the same plus helmet() (the API's security headers)",
  "express-json-route-context": "the same as express-json-route plus the API's request context (request id, pino access log)",
  "api-no-service-bus": "createApp as npm start builds it, with a messaging port that answers at once",
  "api-emulator": "createApp with the real gateway and SDK, sending to an emulator in another process",
} as const;
type Variant = keyof typeof VARIANTS;

const PATH = "/entities/bench/messages";
const KEY = "http-stack-cost-key";

function bareHandler(): RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(201, { "content-type": "application/json" }).end('{"messageId":"m"}');
    });
  };
}

function expressApp(variant: Variant): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  if (variant === "express-noop") {
    app.use(bareHandler() as express.RequestHandler);
    return app;
  }
  if (variant === "express-route") {
    app.post("/entities/:entity/messages", bareHandler() as express.RequestHandler);
    return app;
  }
  if (variant === "express-json-route-context") app.use(requestContextMiddleware(createLogger()));
  if (variant === "express-json-route-helmet") app.use(helmet());
  app.use(express.json({ limit: "1mb" }));
  if (variant === "express-json") {
    app.use((_req, res) => {
      res.writeHead(201, { "content-type": "application/json" }).end('{"messageId":"m"}');
    });
    return app;
  }
  app.post("/entities/:entity/messages", (_req, res) => {
    res.status(201).json({ messageId: "m" });
  });
  return app;
}

/** A messaging port that only knows SendMessage, answering at once. */
const instantMessaging = {
  sendMessages: async (_entity: string, messages: readonly unknown[]) => ({ messageIds: messages.map(() => "m"), batchCount: 1 }),
  close: async () => undefined,
} as unknown as MessagingPort;

function apiApp(messaging: MessagingPort): express.Express {
  return createApp({
    messaging,
    logger: createLogger(),
    apiKeys: [{ name: "bench", sha256: hashApiKey(KEY), scopes: ["send"], entities: ["*"] }],
    entities: { queues: ["bench"], topics: [] },
    eventCatalog: loadEventCatalog(DEMO_EVENT_CATALOG_DIR),
  });
}

async function serve(variant: Variant, connectionString: string | undefined): Promise<void> {
  let handler: RequestListener;
  if (variant === "bare") handler = bareHandler();
  else if (variant === "api-no-service-bus") handler = apiApp(instantMessaging);
  else if (variant === "api-emulator") {
    if (!connectionString) throw new Error("api-emulator needs --connection-string");
    const { client } = createServiceBusClients({ kind: "connectionString", connectionString });
    handler = apiApp(createServiceBusGateway({ client, logger: createLogger() }));
  } else handler = expressApp(variant);
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send?.({ type: "ready", port: (server.address() as AddressInfo).port }));
  process.on("message", (message: { type?: string }) => {
    if (message.type === "cpu") {
      const usage = process.cpuUsage();
      process.send?.({ type: "cpu", us: usage.user + usage.system });
    }
    if (message.type === "close") process.exit(0);
  });
  process.on("disconnect", () => process.exit(0));
}

async function measureVariant(
  variant: Variant,
  options: { requests: number; concurrency: number; connectionString: string | undefined; profileDir: string | undefined },
): Promise<number> {
  const args = ["--serve", variant, ...(options.connectionString ? ["--connection-string", options.connectionString] : [])];
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), args, {
    execArgv: ["--import", "tsx", ...(options.profileDir ? ["--cpu-prof", "--cpu-prof-dir", options.profileDir] : [])],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`${variant} exited with code ${code}`)));
      child.on("message", (message: { type?: string; port?: number }) => {
        if (message.type === "ready") resolve(message.port ?? 0);
      });
    });
    const http = httpClient(`http://127.0.0.1:${port}`, KEY, options.concurrency);
    const body = JSON.stringify({ body: jsonBody(1), contentType: "application/json" });
    const send = async (count: number): Promise<void> => {
      let started = 0;
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (started < count) {
            started += 1;
            await http.expect(201, "POST", PATH, body);
          }
        }),
      );
    };
    await send(options.requests);
    const cpu = async (): Promise<number> => (await askChild<{ type?: string; us?: number }>(child, "cpu", variant, () => undefined)).us ?? Number.NaN;
    const before = await cpu();
    await send(options.requests);
    const after = await cpu();
    http.close();
    return (after - before) / options.requests;
  } finally {
    await stopChild(child);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: "string" },
      "connection-string": { type: "string" },
      requests: { type: "string", default: "6000" },
      rounds: { type: "string", default: "3" },
      concurrency: { type: "string", default: "16" },
      only: { type: "string", multiple: true },
      "profile-dir": { type: "string" },
    },
    strict: true,
  });
  if (values.serve) return serve(values.serve as Variant, values["connection-string"]);
  const requests = Number(values.requests);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  const variants = (values.only?.length ? values.only : Object.keys(VARIANTS)) as Variant[];
  const unknown = variants.filter((variant) => !(variant in VARIANTS));
  if (unknown.length > 0) throw new Error(`unknown variant ${unknown.join(", ")}; known: ${Object.keys(VARIANTS).join(", ")}`);
  const emulator = await startEmulatorProcess({ store: "memory", queues: ["bench"] });
  try {
    const perRequest = new Map<Variant, number[]>();
    for (let round = 1; round <= rounds; round += 1) {
      for (const variant of variants) {
        const us = await measureVariant(variant, { requests, concurrency, connectionString: emulator.connectionString, profileDir: values["profile-dir"] });
        perRequest.set(variant, [...(perRequest.get(variant) ?? []), us]);
        process.stderr.write(`[http-stack-cost] round ${round} ${variant}: ${us.toFixed(0)} µs/request\n`);
      }
    }
    const lines = [
      `CPU of the server process per SendMessage request, ${requests} requests at concurrency ${concurrency} after as many to warm up; lowest of ${rounds} rounds (all rounds)`,
      "",
      "| variant | what it does | µs per request | rounds |",
      "|---|---|---|---|",
      ...variants.map((variant) => {
        const what = VARIANTS[variant];
        const values = perRequest.get(variant) ?? [];
        return `| ${variant} | ${what} | ${Math.min(...values).toFixed(0)} | ${values.map((value) => value.toFixed(0)).join(", ")} |`;
      }),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`http-stack-cost: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
