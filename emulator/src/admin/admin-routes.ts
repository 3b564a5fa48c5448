/**
 * The management API's URL paths, as `ServiceBusAdministrationClient` builds them:
 * `$namespaceinfo`, `$Resources/Queues`, `$Resources/Topics`, `<queue or topic>`, `<topic>/Subscriptions/`,
 * `<topic>/Subscriptions/<sub>`, `<topic>/Subscriptions/<sub>/Rules/`, `<topic>/Subscriptions/<sub>/Rules/<rule>`.
 * Queue and topic names may contain `/`; subscription and rule names may not.
 */
import { AdminError } from "./admin-errors.js";

/** What a request path addresses. */
export type AdminRoute =
  | { readonly kind: "namespace" }
  | { readonly kind: "queues" }
  | { readonly kind: "topics" }
  | { readonly kind: "entity"; readonly name: string }
  | { readonly kind: "subscriptions"; readonly topic: string }
  | { readonly kind: "subscription"; readonly topic: string; readonly subscription: string }
  | { readonly kind: "rules"; readonly topic: string; readonly subscription: string }
  | { readonly kind: "rule"; readonly topic: string; readonly subscription: string; readonly rule: string };

const RULE = /^(.+)\/Subscriptions\/([^/]+)\/Rules\/([^/]+)$/i;
const RULES = /^(.+)\/Subscriptions\/([^/]+)\/Rules\/?$/i;
const SUBSCRIPTION = /^(.+)\/Subscriptions\/([^/]+)$/i;
const SUBSCRIPTIONS = /^(.+)\/Subscriptions\/?$/i;

/**
 * Parses a URL path (`/orders`, `/events/Subscriptions/audit`, still percent-encoded) into a route; undefined
 * for the root and for unknown `$` resources.
 *
 * @throws AdminError 400 when the path is not valid percent-encoding.
 */
export function parseAdminRoute(pathname: string): AdminRoute | undefined {
  const path = pathname.replace(/^\/+/, "");
  const segments = path.split("/");
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    throw AdminError.invalid(`The request path ${JSON.stringify(pathname)} is not valid percent-encoding.`);
  }
  if (decoded.some((segment) => segment.includes("/"))) {
    throw AdminError.invalid(`The request path ${JSON.stringify(pathname)} has an encoded / in a name.`);
  }
  const text = decoded.join("/");
  const lower = text.toLowerCase();
  if (lower === "$namespaceinfo") return { kind: "namespace" };
  if (lower === "$resources/queues" || lower === "$resources/queues/") return { kind: "queues" };
  if (lower === "$resources/topics" || lower === "$resources/topics/") return { kind: "topics" };
  if (text === "" || text.startsWith("$")) return undefined;
  let match = RULE.exec(text);
  if (match) return { kind: "rule", topic: group(match, 1), subscription: group(match, 2), rule: group(match, 3) };
  match = RULES.exec(text);
  if (match) return { kind: "rules", topic: group(match, 1), subscription: group(match, 2) };
  match = SUBSCRIPTION.exec(text);
  if (match) return { kind: "subscription", topic: group(match, 1), subscription: group(match, 2) };
  match = SUBSCRIPTIONS.exec(text);
  if (match) return { kind: "subscriptions", topic: group(match, 1) };
  return { kind: "entity", name: text.replace(/\/+$/, "") };
}

function group(match: RegExpExecArray, index: number): string {
  return match[index] ?? "";
}
