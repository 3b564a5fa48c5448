/**
 * A TCP proxy in front of the emulator that a test can freeze: it stops passing bytes either way while keeping
 * every socket open, as when a process hangs or its network is cut without the connection being closed. The
 * emulator then sees nothing (no renewals, no detach) until the locks of that client expire.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";
import { DEFAULT_SHARED_ACCESS_KEY, emulatorConnectionString } from "../../emulator/src/create-emulator.js";
import type { Emulator } from "../../emulator/src/create-emulator.js";

export interface FreezableProxy {
  /** A connection string that reaches the emulator through the proxy. */
  readonly connectionString: string;
  /** Stops passing bytes; sockets stay open. */
  freeze(): void;
  /** Passes bytes again, including those held back while frozen. */
  thaw(): void;
  /** Destroys every socket and stops listening. */
  close(): Promise<void>;
}

export async function startFreezableProxy(emulator: Emulator): Promise<FreezableProxy> {
  const links = new Set<{ forward: () => void; destroy: () => void }>();
  let frozen = false;
  const server = net.createServer((inbound) => {
    const outbound = net.connect(emulator.port, emulator.host);
    const heldBack: Array<[net.Socket, Buffer]> = [];
    const pass = (to: net.Socket) => (chunk: Buffer) => {
      if (frozen) heldBack.push([to, chunk]);
      else to.write(chunk);
    };
    inbound.on("data", pass(outbound));
    outbound.on("data", pass(inbound));
    const link = {
      forward: () => {
        for (const [to, chunk] of heldBack.splice(0)) to.write(chunk);
      },
      destroy: () => {
        links.delete(link);
        inbound.destroy();
        outbound.destroy();
      },
    };
    links.add(link);
    inbound.on("error", link.destroy).on("close", link.destroy);
    outbound.on("error", link.destroy).on("close", link.destroy);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    connectionString: emulatorConnectionString("127.0.0.1", port, DEFAULT_SHARED_ACCESS_KEY),
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const link of links) link.forward();
    },
    async close() {
      for (const link of [...links]) link.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
