/**
 * rhea writes every AMQP frame with its own `socket.write`. With TCP_NODELAY (needed: Nagle's algorithm held
 * small frames back ~40 ms) each write would leave as its own packet. Corking the socket for one processing
 * pass of the connection sends the frames of that pass (a batch of deliveries, an attach and its detach)
 * together: fewer packets and system calls.
 */
import type { Connection } from "rhea";

interface ConnectionInternals {
  socket?: { cork?: () => void; uncork?: () => void };
  _process: () => void;
}

const PATCHED = Symbol.for("service-bus-bridge.emulator.batched-writes");

/** Makes a connection send the frames of each processing pass in one write. */
export function batchConnectionWrites(connection: Connection): void {
  const internals = connection as unknown as ConnectionInternals & { [PATCHED]?: true };
  if (internals[PATCHED]) return;
  internals[PATCHED] = true;
  const process = internals._process.bind(connection);
  internals._process = () => {
    const socket = internals.socket;
    socket?.cork?.();
    try {
      process();
    } finally {
      socket?.uncork?.();
    }
  };
}
