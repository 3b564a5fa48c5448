import https from "node:https";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { killEmulatorProcesses, startEmulatorProcess } from "../../helpers/emulator-process.js";
import { defaultAdminPort } from "../../../emulator/src/default-ports.js";

const MANAGEMENT_LINE = /^Management API \(HTTPS\): Endpoint=sb:\/\/[^;]*:(\d+);/m;

/** A port nothing listens on at the moment (bound to 0, then released). */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The status of the management API's unauthenticated health check (its certificate is self-signed). */
async function healthStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: "127.0.0.1", port, path: "/health", rejectUnauthorized: false }, (response) => {
        response.resume();
        resolve(response.statusCode);
      })
      .on("error", reject);
  });
}

function managementPortOf(banner: string): number {
  const port = Number(MANAGEMENT_LINE.exec(banner)?.[1]);
  expect(Number.isInteger(port), `no management port in the banner:\n${banner}`).toBe(true);
  return port;
}

describe("emulator CLI ports", () => {
  afterEach(async () => {
    await killEmulatorProcesses();
  });

  it("keeps 5300 for the management API beside the default AMQP port 5672 only", () => {
    expect(defaultAdminPort(5672)).toBe(5300);
    expect(defaultAdminPort(5673)).toBe(0);
    expect(defaultAdminPort(0)).toBe(0);
  });

  it("runs two emulators side by side, each with its own --port, on distinct management ports", async () => {
    const [firstPort, secondPort] = [await unusedPort(), await unusedPort()];
    const first = await startEmulatorProcess(["--port", String(firstPort), "--in-memory", "--log-level", "warn"]);
    const second = await startEmulatorProcess(["--port", String(secondPort), "--in-memory", "--log-level", "warn"]);
    expect([first.port, second.port]).toEqual([firstPort, secondPort]);
    const firstManagement = managementPortOf(first.stdout());
    const secondManagement = managementPortOf(second.stdout());
    expect(firstManagement).not.toBe(secondManagement);
    expect([firstManagement, secondManagement]).not.toContain(5300);
    expect(await healthStatus(firstManagement)).toBe(200);
    expect(await healthStatus(secondManagement)).toBe(200);
    expect(first.child.exitCode).toBeNull();
    expect(second.child.exitCode).toBeNull();
  });
});
