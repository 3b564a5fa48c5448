/** The connections the listener has open: their receiver links retire when one goes, and shutdown closes them all. */
import type { Connection, EventContext } from "rhea";
import { batchConnectionWrites } from "./batched-writes.js";
import { retireConsumer } from "./consumer-links.js";
import type { AmqpLink, ServerContext } from "./server-context.js";

export class OpenConnections {
  private readonly open = new Set<Connection>();

  constructor(private readonly context: ServerContext) {}

  opened(event: EventContext): void {
    const connection = event.connection;
    batchConnectionWrites(connection);
    this.open.add(connection);
    this.context.logger.info({ connection: this.context.connectionState(connection).id, container: connection.container_id }, "connection opened");
  }

  /** The connection closed or dropped (reported once even when both happen). */
  gone(event: EventContext): void {
    const connection = event.connection;
    if (!this.open.delete(connection)) return;
    connection.each_link((link: AmqpLink) => {
      const role = this.context.roles.get(link);
      if (role?.kind === "consumer") retireConsumer(role);
    });
    this.context.logger.info({ connection: this.context.connectionState(connection).id }, "connection closed");
  }

  /** Closes every connection and drops its socket, for shutdown. */
  closeAll(): void {
    for (const connection of this.open) {
      try {
        connection.close();
      } catch {
        // The socket may already be gone; closing the server still completes.
      }
      const socket = (connection as unknown as { socket?: { destroy(): void } }).socket;
      socket?.destroy();
    }
    this.open.clear();
  }
}
