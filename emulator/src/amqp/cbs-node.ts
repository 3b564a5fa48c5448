/** The `$cbs` node: put-token requests that authorise a connection for an audience with a shared access signature. */
import type { Connection, Message } from "rhea";
import { Conditions } from "../broker/broker-errors.js";
import type { ManagementResponse } from "./management-node.js";
import { audienceCovers, audiencePath, verifySasToken } from "./sas-token.js";
import type { ServerContext } from "./server-context.js";

export const CBS_ADDRESS = "$cbs";
const SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";

export function handleCbsRequest(context: ServerContext, connection: Connection, request: Message): ManagementResponse {
  const { keys, clock, logger } = context;
  const properties = request.application_properties ?? {};
  if (properties.operation !== "put-token") {
    return { statusCode: 400, statusDescription: `Unknown CBS operation '${String(properties.operation)}'.`, errorCondition: Conditions.notImplemented };
  }
  if (properties.type !== SAS_TOKEN_TYPE) {
    return {
      statusCode: 401,
      statusDescription: `Token type '${String(properties.type)}' is not supported: the emulator accepts shared access signatures only.`,
      errorCondition: Conditions.unauthorizedAccess,
    };
  }
  const verification = verifySasToken(String(request.body ?? ""), keys, clock.now());
  if (!verification.valid) {
    logger.info({ connection: context.connectionState(connection).id, audience: properties.name }, `CBS token refused: ${verification.reason}`);
    return { statusCode: 401, statusDescription: `Unauthorized access. ${verification.reason}`, errorCondition: Conditions.unauthorizedAccess };
  }
  // As Service Bus does, a token must cover the audience it is presented for (a namespace token covers all).
  const requested = audiencePath(String(properties.name ?? ""));
  if (!audienceCovers(verification.audiencePath, requested)) {
    const description = `Unauthorized access. The token is for '${verification.audiencePath || "(namespace)"}' and does not cover '${requested}'.`;
    logger.info({ connection: context.connectionState(connection).id, audience: properties.name }, `CBS token refused: ${description}`);
    return { statusCode: 401, statusDescription: description, errorCondition: Conditions.unauthorizedAccess };
  }
  context.connectionState(connection).auth.grant(verification.audiencePath, verification.expiresAtMs);
  return { statusCode: 202, statusDescription: "Accepted" };
}
