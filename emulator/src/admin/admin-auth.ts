/**
 * SAS authorization of management requests. The SDK (`sasServiceClientCredentials.ts`) sends
 * `authorization: SharedAccessSignature sig=<sig>&se=<expiry>&skn=<key name>&sr=<audience>` where the audience
 * is `encodeURIComponent(<request URL lower-cased>)` and the signature is over `<audience>\n<expiry>`, the same
 * scheme the AMQP side verifies, so the check reuses {@link verifySasToken}. A token covers the request when
 * its audience's path is the request's path or a parent of it (a namespace-wide token covers everything).
 *
 * With `ForwardTo` / `ForwardDeadLetteredMessagesTo` the SDK also sends `ServiceBusSupplementaryAuthorization` /
 * `ServiceBusDlqSupplementaryAuthorization` tokens for the namespace; when present they must be valid too.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { SharedAccessKey } from "../amqp/sas-token.js";
import { audienceCovers, verifySasToken } from "../amqp/sas-token.js";
import { AdminError } from "./admin-errors.js";

const SUPPLEMENTARY_HEADERS = ["servicebussupplementaryauthorization", "servicebusdlqsupplementaryauthorization"];

/**
 * Checks the request's tokens.
 *
 * @param requestPath - The request's URL path, percent-decoded, e.g. `$Resources/Queues` or `events/Subscriptions/audit`.
 * @throws AdminError 401 naming what is wrong (no header, bad signature, expired, audience not covering the path).
 */
export function authorizeAdminRequest(headers: IncomingHttpHeaders, requestPath: string, keys: readonly SharedAccessKey[], nowMs: number): void {
  const token = headers.authorization;
  if (token === undefined || token === "") {
    throw new AdminError(401, "The request has no authorization header; send a SharedAccessSignature token.");
  }
  const result = verifySasToken(token, keys, nowMs);
  if (!result.valid) throw new AdminError(401, `Unauthorized: ${result.reason}`);
  const granted = normalisePath(result.audiencePath.replace(/[?#].*$/, ""));
  if (!audienceCovers(granted, normalisePath(requestPath))) {
    throw new AdminError(401, `Unauthorized: the token's audience does not cover '${requestPath}'.`);
  }
  for (const name of SUPPLEMENTARY_HEADERS) {
    const supplementary = headers[name];
    if (typeof supplementary !== "string") continue;
    const check = verifySasToken(supplementary, keys, nowMs);
    if (!check.valid) throw new AdminError(401, `Unauthorized: the ${name} token is not valid: ${check.reason}`);
  }
}

/** Lower-cased, percent-decoded where possible, without slashes at the ends. */
function normalisePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Keep the text as it is; it then simply fails to match.
  }
  return decoded.replace(/^\/+|\/+$/g, "").toLowerCase();
}
