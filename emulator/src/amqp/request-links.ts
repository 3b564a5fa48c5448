/**
 * Request/response links: the client sends requests to `$cbs` or an entity's `$management` node on one link
 * and reads the answers on a reply link whose name or address the request's `reply-to` gives.
 */
import type { Connection, Delivery, EventContext, Message, Sender } from "rhea";
import { Conditions } from "../broker/broker-errors.js";
import { acceptedState } from "./amqp-types.js";
import { handleCbsRequest } from "./cbs-node.js";
import { connectionKeyOf } from "./connection-key.js";
import { handleManagementRequest } from "./management-node.js";
import type { ManagementResponse } from "./management-node.js";
import type { LinkRole, ServerContext } from "./server-context.js";

const MANAGEMENT_SUFFIX = "/$management";

export type RequestRole = Extract<LinkRole, { kind: "cbs-requests" | "management-requests" }>;

export function isManagementAddress(address: string): boolean {
  return address.toLowerCase().endsWith(MANAGEMENT_SUFFIX);
}

function reply(context: ServerContext, connection: Connection, request: Message, response: ManagementResponse): void {
  const replyTo = request.reply_to;
  const replyLink = connection.find_sender((sender: Sender) => sender.name === replyTo || sender.target?.address === replyTo);
  if (!replyLink) {
    context.logger.warn({ connection: context.connectionState(connection).id, replyTo }, "no reply link for a request");
    return;
  }
  const applicationProperties: Record<string, unknown> = {
    statusCode: response.statusCode,
    statusDescription: response.statusDescription,
  };
  if (response.errorCondition) applicationProperties.errorCondition = response.errorCondition;
  replyLink.send({
    correlation_id: request.message_id,
    application_properties: applicationProperties,
    body: response.body,
  });
}

/** Answers one request: CBS at once, management once the broker's changes are durable. */
export function answerRequest(context: ServerContext, event: EventContext, role: RequestRole): void {
  (event.delivery as Delivery).update(true, acceptedState());
  const request = event.message as Message;
  if (role.kind === "cbs-requests") {
    reply(context, event.connection, request, handleCbsRequest(context, event.connection, request));
    return;
  }
  let response: ManagementResponse;
  try {
    response = handleManagementRequest(
      context.broker,
      role.address,
      request.application_properties?.operation,
      request.body,
      connectionKeyOf(event.connection),
    );
  } catch (error) {
    context.logger.error({ err: error, operation: request.application_properties?.operation }, "management request failed");
    response = { statusCode: 500, statusDescription: "The emulator failed to process the request.", errorCondition: Conditions.internalError };
  }
  context.store.afterCommit(() => reply(context, event.connection, request, response));
}
