/**
 * EXPERIMENT, loaded into the emulator's process only by `npm run bench -- --experiment-tcp-nodelay`:
 * makes every rhea listener set TCP_NODELAY on the sockets it accepts (rhea's `tcp_no_delay` connection option,
 * which rhea leaves off for accepted sockets). It shows what the emulator would gain from passing
 * `tcp_no_delay: true` to `container.listen` in emulator/src/amqp/amqp-server.ts. It changes nothing else, and
 * nothing at all once the emulator sets the option itself.
 */
import rhea from "rhea";

interface Listening {
  listen(options: Record<string, unknown>): unknown;
}

const prototype = Object.getPrototypeOf(rhea) as Listening;
const listen = prototype.listen;
prototype.listen = function listenWithNoDelay(this: Listening, options: Record<string, unknown>) {
  return listen.call(this, { ...options, tcp_no_delay: true });
};
