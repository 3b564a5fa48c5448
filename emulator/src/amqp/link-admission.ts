/** Whether a link may attach (a token covers its address, the entity exists), and refusing it as the service does. */
import { BrokerError, Conditions } from "../broker/broker-errors.js";
import { linkAttach } from "./amqp-types.js";
import type { AmqpLink, ServerContext } from "./server-context.js";

/** The AMQP error for a failure: a broker error as it is, anything else as an internal error. */
export function describeError(error: unknown): { condition: string; description: string } {
  if (error instanceof BrokerError) return { condition: error.condition, description: error.description };
  return { condition: Conditions.internalError, description: "The emulator failed to process the request." };
}

/** Refuses a link as the service does: an attach with no source or target, then a detach with the error. */
export function refuseLink(context: ServerContext, link: AmqpLink, condition: string, description: string): void {
  context.logger.info({ connection: context.connectionState(link.connection).id, link: link.name, condition }, `link refused: ${description}`);
  const ends = linkAttach(link);
  ends.local.source = null;
  ends.local.target = null;
  link.close({ condition, description });
}

/** Checks the link's token and entity; returns false (after refusing the link) when it may not attach. */
export function admitLink(context: ServerContext, link: AmqpLink, address: string): boolean {
  if (!context.connectionState(link.connection).auth.allows(address)) {
    refuseLink(
      context,
      link,
      Conditions.unauthorizedAccess,
      `Unauthorized access. No valid token covers '${address}': send a CBS put-token for its audience first.`,
    );
    return false;
  }
  try {
    context.broker.resolve(address);
    return true;
  } catch (error) {
    const { condition, description } = describeError(error);
    refuseLink(context, link, condition, description);
    return false;
  }
}
