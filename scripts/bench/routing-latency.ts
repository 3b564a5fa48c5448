/**
 * `node --import tsx scripts/bench/routing-latency.ts [--calls N] [--rounds R] [--client-nodelay]`
 *
 * The cost of routing a session call to the instance that holds the session, over the emulator: p50/p99 of
 * one session operation (getSessionState on a held session) run by its holder directly, and the same call
 * forwarded from another instance (request on the route session, reply on the caller's reply session), side by
 * side in alternating rounds. Also the forwarding alone (a handler that does nothing) and the isRouteHeld probe.
 * The emulator runs in a child process (this file, with --emulator); caller and holder are two clients in this
 * process. Prints a Markdown table; judges nothing.
 *
 * --client-nodelay sets TCP_NODELAY on this process's sockets. The SDK leaves Nagle's algorithm on, so against
 * the emulator on loopback a management request (getSessionState) can wait ~40 ms for a delayed ACK; the flag
 * shows the cost of the routing itself without that artefact.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { ServiceBusClient } from "@azure/service-bus";
import { parseEmulatorConfig } from "../../emulator/src/index.js";
import { forkEmulator, serveEmulatorToParent, setNoDelayOnConnect } from "./lib/forked-emulator.js";
import { KEEP_RENEWING_FOR_IN_MS, RouteClient, RouteServer, isRouteHeld, routeSessionId } from "../../api/src/index.js";
import type { JsonValue, RouteHandler } from "../../api/src/index.js";
import { formatMs, percentile } from "./lib/stats.js";

const DATA_QUEUE = "orders";
const CONTROL_QUEUE = "bridge-control";

async function runEmulatorChild(): Promise<void> {
  const queue = (name: string) => ({ Name: name, Properties: { RequiresSession: true } });
  const config = parseEmulatorConfig({ UserConfig: { Namespaces: [{ Name: "sbemulatorns", Queues: [queue(DATA_QUEUE), queue(CONTROL_QUEUE)], Topics: [] }] } });
  await serveEmulatorToParent(config);
}

async function timed(samples: number[], count: number, call: () => Promise<unknown>): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { emulator: { type: "boolean" }, calls: { type: "string" }, rounds: { type: "string" }, "client-nodelay": { type: "boolean" } },
    strict: true,
  });
  if (values.emulator) return runEmulatorChild();
  if (values["client-nodelay"]) setNoDelayOnConnect();
  const callsPerRound = Number(values.calls ?? 200);
  const rounds = Number(values.rounds ?? 5);
  const emulator = await forkEmulator(import.meta.url);
  const holderClient = new ServiceBusClient(emulator.connectionString);
  const callerClient = new ServiceBusClient(emulator.connectionString);
  const dataSessionId = "order-1";
  const route = routeSessionId(DATA_QUEUE, dataSessionId);
  const held = await holderClient.acceptSession(DATA_QUEUE, dataSessionId, { maxAutoLockRenewalDurationInMs: KEEP_RENEWING_FOR_IN_MS });
  await held.setSessionState(JSON.stringify({ step: 3, customer: "c-42" }));
  const getSessionState: RouteHandler = async () => String(await held.getSessionState()) as JsonValue;
  const noOp: RouteHandler = async () => null;
  const server = new RouteServer(holderClient);
  const caller = new RouteClient(callerClient);
  const echoRoute = routeSessionId(DATA_QUEUE, "no-op");
  await Promise.all([server.serve(route, getSessionState), server.serve(echoRoute, noOp), caller.started()]);
  const context = { deadline: Number.POSITIVE_INFINITY, abortSignal: new AbortController().signal };
  const prober = new ServiceBusClient(emulator.connectionString);

  const workloads: Array<{ name: string; run: () => Promise<unknown>; samples: number[] }> = [
    { name: "getSessionState on the holder (direct)", run: () => getSessionState("getSessionState", null, context), samples: [] },
    { name: "getSessionState forwarded to the holder", run: () => caller.call(route, "getSessionState", null), samples: [] },
    { name: "forwarding alone (handler does nothing)", run: () => caller.call(echoRoute, "noOp", null), samples: [] },
    { name: "isRouteHeld probe (route held)", run: () => isRouteHeld(prober, route), samples: [] },
  ];
  for (const workload of workloads) await timed([], 50, workload.run);
  for (let round = 0; round < rounds; round += 1) {
    for (const workload of workloads) await timed(workload.samples, callsPerRound, workload.run);
  }
  const direct = percentile(workloads[0]?.samples ?? [], 0.5);
  console.log(`| call (${rounds} alternating rounds of ${callsPerRound} sequential calls each) | p50 ms | p99 ms | p50 / direct |`);
  console.log("|---|---|---|---|");
  for (const { name, samples } of workloads) {
    const p50 = percentile(samples, 0.5);
    console.log(`| ${name} | ${formatMs(p50)} | ${formatMs(percentile(samples, 0.99))} | ${(p50 / direct).toFixed(1)}x |`);
  }
  await Promise.all([server.close(), caller.close()]);
  await held.close();
  await Promise.all([holderClient.close(), callerClient.close(), prober.close()]);
  emulator.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
