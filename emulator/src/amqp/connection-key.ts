/**
 * A stable key per AMQP connection, so that the broker can tell which connection holds a session lock
 * without knowing rhea's types.
 */
import { randomUUID } from "node:crypto";
import type { Connection } from "rhea";

const keys = new WeakMap<Connection, string>();

/** The key of `connection`, the same for its whole life. */
export function connectionKeyOf(connection: Connection): string {
  let key = keys.get(connection);
  if (key === undefined) {
    key = randomUUID();
    keys.set(connection, key);
  }
  return key;
}
