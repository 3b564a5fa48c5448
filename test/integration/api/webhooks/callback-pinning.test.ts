import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postToCallback } from "../../../../api/src/webhooks/callback-client.js";
import { type CallbackPolicy, type CheckedCallback, type ResolvedAddress, checkCallbackUrl } from "../../../../api/src/webhooks/callback-guard.js";
import { type CallbackServer, startCallbackServer } from "../../../helpers/callback-server.js";

const TIMEOUT_IN_MS = 10_000;
/** `.test` names never resolve in DNS (RFC 6761): a connection to one can only come from the pinned address. */
const PINNED_HOST = "pinned.callback.test";

/**
 * A resolver that answers the local server's address the first time and a different, unroutable address
 * (TEST-NET-1) every time after: what a DNS rebinding attacker does between the check and the request.
 */
function rebindingResolver(): CallbackPolicy["resolve"] & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    return asked.length === 1 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "192.0.2.1", family: 4 }];
  };
  return Object.assign(resolve, { asked });
}

async function checked(url: string, policy: CallbackPolicy): Promise<CheckedCallback> {
  const check = await checkCallbackUrl(url, policy);
  if (!check.ok) throw new Error(`refused: ${check.reason}`);
  return check.target;
}

let servers: CallbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

describe("postToCallback over http connects to the checked address", () => {
  it("reaches the server at the address resolved at check time, with the name in Host, resolving nothing more", async () => {
    const server = await startCallbackServer((_request, response) => response.writeHead(200).end());
    servers.push(server);
    const resolve = rebindingResolver();
    const target = await checked(server.url("/hook?sig=abc", "pinned.localhost"), { allowedHosts: ["pinned.localhost"], allowLoopbackHttp: true, resolve });

    expect(await postToCallback(target, { n: 1 }, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({ outcome: "delivered", status: 200 });
    expect(await postToCallback(target, { n: 2 }, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({ outcome: "delivered", status: 200 });
    expect(server.received.map((request) => request.headers.host)).toEqual([`pinned.localhost:${server.port}`, `pinned.localhost:${server.port}`]);
    expect(resolve.asked).toEqual(["pinned.localhost"]);
  });
});

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

/** A self-signed certificate for `name`, made with openssl in a temporary folder. */
function selfSignedCertificate(folder: string, name: string): { key: string; cert: string } {
  const keyFile = join(folder, `${name}.key`);
  const certFile = join(folder, `${name}.crt`);
  const made = spawnSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "1",
    "-subj",
    `/CN=${name}`,
    "-addext",
    `subjectAltName=DNS:${name}`,
  ]);
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
}

describe.runIf(hasOpenssl)("postToCallback over https connects to the checked address and verifies the name", () => {
  let folder = "";
  let pinned: { key: string; cert: string };
  let other: { key: string; cert: string };

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "callback-tls-"));
    pinned = selfSignedCertificate(folder, PINNED_HOST);
    other = selfSignedCertificate(folder, "other.callback.test");
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("connects to the checked address, sends the name as TLS server name and Host, and resolves nothing more", async () => {
    const server = await startCallbackServer((_request, response) => response.writeHead(204).end(), pinned);
    servers.push(server);
    const resolve = rebindingResolver();
    const target = await checked(server.url("/hook?sig=abc", PINNED_HOST), { allowedHosts: [PINNED_HOST], resolve });
    const agent = new HttpsAgent({ ca: pinned.cert });

    expect(await postToCallback(target, { n: 1 }, { timeoutInMs: TIMEOUT_IN_MS, agent })).toEqual({ outcome: "delivered", status: 204 });
    expect(await postToCallback(target, { n: 2 }, { timeoutInMs: TIMEOUT_IN_MS, agent })).toEqual({ outcome: "delivered", status: 204 });
    agent.destroy();
    expect(server.received.map((request) => request.headers.host)).toEqual([`${PINNED_HOST}:${server.port}`, `${PINNED_HOST}:${server.port}`]);
    expect(server.serverNames.every((name) => name === PINNED_HOST)).toBe(true);
    expect(server.serverNames.length).toBeGreaterThan(0);
    expect(resolve.asked).toEqual([PINNED_HOST]);
  });

  it("refuses a certificate that does not name the checked host (answers retry, sends nothing)", async () => {
    const server = await startCallbackServer((_request, response) => response.writeHead(200).end(), other);
    servers.push(server);
    const target = await checked(server.url("/hook", PINNED_HOST), { allowedHosts: [PINNED_HOST], resolve: rebindingResolver() });
    const agent = new HttpsAgent({ ca: other.cert });

    expect(await postToCallback(target, { n: 1 }, { timeoutInMs: TIMEOUT_IN_MS, agent })).toEqual({ outcome: "retry", failure: "connection" });
    agent.destroy();
    expect(server.received).toEqual([]);
  });

  it("refuses a certificate no trusted authority signed", async () => {
    const server = await startCallbackServer((_request, response) => response.writeHead(200).end(), pinned);
    servers.push(server);
    const target = await checked(server.url("/hook", PINNED_HOST), { allowedHosts: [PINNED_HOST], resolve: rebindingResolver() });

    expect(await postToCallback(target, { n: 1 }, { timeoutInMs: TIMEOUT_IN_MS })).toEqual({ outcome: "retry", failure: "connection" });
    expect(server.received).toEqual([]);
  });
});
