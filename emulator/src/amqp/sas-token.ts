/**
 * Verification of Service Bus shared access signatures, as the SDK builds them:
 * `SharedAccessSignature sr=<url-encoded audience>&sig=<url-encoded base64 HMAC-SHA256>&se=<expiry>&skn=<key name>`,
 * signed over `<url-encoded audience>\n<expiry>` with the key's UTF-8 bytes.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** A named key of the namespace, like `RootManageSharedAccessKey`. */
export interface SharedAccessKey {
  readonly name: string;
  readonly key: string;
}

/** The outcome of a verification: the audience path the token grants, or why it was refused. */
export type TokenVerification =
  | { readonly valid: true; readonly keyName: string; readonly audiencePath: string; readonly expiresAtMs: number }
  | { readonly valid: false; readonly reason: string };

const PREFIX = "SharedAccessSignature ";

/**
 * The entity path of an audience URI, lower-cased and without slashes at the ends:
 * `sb://localhost:5672/Orders/` -> `orders`; the namespace itself -> "".
 */
export function audiencePath(audience: string): string {
  const withoutScheme = audience.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "");
  return withoutScheme.replace(/^\/+|\/+$/g, "").toLowerCase();
}

/** Whether a token for `grantedPath` covers `address` (a token for a namespace or parent path covers children). */
export function audienceCovers(grantedPath: string, address: string): boolean {
  const target = address.replace(/^\/+|\/+$/g, "").toLowerCase();
  return grantedPath === "" || target === grantedPath || target.startsWith(`${grantedPath}/`);
}

function refuse(reason: string): TokenVerification {
  return { valid: false, reason };
}

/** Verifies a SAS token against the namespace's keys, in constant time per key. */
export function verifySasToken(token: string, keys: readonly SharedAccessKey[], nowMs: number): TokenVerification {
  if (!token.startsWith(PREFIX)) return refuse("The token is not a SharedAccessSignature.");
  const fields = new Map<string, string>();
  for (const part of token.slice(PREFIX.length).split("&")) {
    const separator = part.indexOf("=");
    if (separator > 0) fields.set(part.slice(0, separator), part.slice(separator + 1));
  }
  const encodedAudience = fields.get("sr");
  const encodedSignature = fields.get("sig");
  const expiry = fields.get("se");
  const keyName = fields.get("skn");
  if (!encodedAudience || !encodedSignature || !expiry || !keyName) {
    return refuse("The token must carry sr, sig, se and skn.");
  }
  if (!/^\d+$/.test(expiry)) return refuse("The token's expiry (se) is not a number of seconds.");
  const expiresAtMs = Number(expiry) * 1000;
  if (expiresAtMs <= nowMs) return refuse(`The token expired at ${new Date(expiresAtMs).toISOString()}.`);
  const key = keys.find((candidate) => candidate.name === keyName);
  let presented: Buffer;
  try {
    presented = Buffer.from(decodeURIComponent(encodedSignature), "base64");
  } catch {
    return refuse("The token's signature is not valid base64.");
  }
  // Compute a signature even for an unknown key name so that the answer takes the same time.
  const expected = createHmac("sha256", key?.key ?? "")
    .update(`${encodedAudience}\n${expiry}`, "utf8")
    .digest();
  const matches = presented.length === expected.length && timingSafeEqual(presented, expected);
  if (!key || !matches) return refuse(`The token's signature does not match the key '${keyName}'.`);
  let audience: string;
  try {
    audience = decodeURIComponent(encodedAudience);
  } catch {
    return refuse("The token's audience (sr) is not URL-encoded text.");
  }
  return { valid: true, keyName, audiencePath: audiencePath(audience), expiresAtMs };
}
