/** The CLI's default ports, those of Microsoft's official emulator: 5672 for AMQP, 5300 for the management API. */
export const DEFAULT_AMQP_PORT = 5672;
export const DEFAULT_ADMIN_PORT = 5300;

/**
 * The management API's port when none is given: 5300 beside the default AMQP port, otherwise 0 (a free port),
 * so that a second emulator started with its own AMQP port does not collide with the first on 5300.
 */
export function defaultAdminPort(amqpPort: number): number {
  return amqpPort === DEFAULT_AMQP_PORT ? DEFAULT_ADMIN_PORT : 0;
}
