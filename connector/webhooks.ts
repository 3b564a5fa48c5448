/**
 * Webhook triggers in Swagger 2.0. A subscribe operation's body property that receives the flow's callback
 * URL carries `x-ms-notification-url` (and is internal: the platform fills it, never a maker); what each
 * callback carries is the path item's `x-ms-notification-content`; and every subscribe operation has one
 * internal `DELETE`, at its path plus one path parameter, that the platform calls through the `Location`
 * of the subscribe answer. The checks here fail the build on a contract entry the platform would refuse;
 * validate/rules/webhooks.ts checks the same facts on the generated document.
 */
import type { AnyOperation, ConnectorHints } from "../api/src/index.js";
import { isObject } from "./schema.js";
import type { JsonSchema } from "./schema.js";

type TriggerHint = NonNullable<ConnectorHints["trigger"]>;

/** The webhook part of a webhook trigger's hint. */
export type WebhookHint = Extract<TriggerHint, { webhook: unknown }>["webhook"];

/** The operation's webhook hint when it is a webhook trigger's subscribe operation. */
export function webhookOf(operation: AnyOperation): WebhookHint | undefined {
  const trigger = operation.connector.trigger;
  return trigger !== undefined && "webhook" in trigger ? trigger.webhook : undefined;
}

/** A path template's last segment when it is one path parameter, such as `{subscriptionId}`. */
const PATH_PARAMETER_SEGMENT = /^\{[^/{}]+\}$/;

/** Whether `deletePath` is `subscribePath` plus one path-parameter segment. */
export function isSubscriptionPath(subscribePath: string, deletePath: string): boolean {
  const prefix = `${subscribePath.replace(/\/+$/, "")}/`;
  return deletePath.startsWith(prefix) && PATH_PARAMETER_SEGMENT.test(deletePath.slice(prefix.length));
}

/**
 * Marks the callback URL property of `body` (in place) with `x-ms-notification-url` and internal
 * visibility. Returns why the platform would refuse it: a key outside the body, no such property, a
 * type other than string, or an optional level on the way (the body parameter included).
 */
export function markCallbackUrl(body: JsonSchema | undefined, bodyRequired: boolean, key: string): string[] {
  const [root, ...segments] = key.split("/");
  if (root !== "body" || segments.length === 0) return [`callback URL property ${key} is not a request-body property (body/...)`];
  if (!body) return [`callback URL property ${key}: the operation has no request body`];
  const problems: string[] = [];
  if (!bodyRequired) problems.push(`callback URL property ${key}: the request body is optional`);
  let current: JsonSchema = body;
  for (const segment of segments) {
    const properties = current["properties"];
    const next: unknown = isObject(properties) ? properties[segment] : undefined;
    if (!isObject(next)) return [`callback URL property ${key} matches no property`];
    const required = Array.isArray(current["required"]) && (current["required"] as unknown[]).includes(segment);
    if (!required) problems.push(`callback URL property ${key}: ${segment} is not required`);
    current = next;
  }
  if (current["type"] !== "string") problems.push(`callback URL property ${key} is not a string`);
  current["x-ms-notification-url"] = true;
  current["x-ms-visibility"] = "internal";
  return problems;
}

/** Why a webhook trigger's subscribe operation does not fit the platform: its method and its 201 + Location answer. */
export function subscribeProblems(operation: AnyOperation): string[] {
  const problems: string[] = [];
  if (operation.method !== "post" && operation.method !== "put") problems.push(`webhook trigger is a ${operation.method.toUpperCase()}, not a POST or PUT`);
  const { status, headers } = operation.success;
  if (status !== 201) problems.push(`webhook trigger answers ${status}, not 201`);
  if (!headers || !("Location" in headers)) problems.push("webhook trigger's success response declares no Location header");
  return problems;
}

/**
 * Pairs every webhook trigger with the one operation that declares itself its delete
 * (`deletesWebhookOf`); returns `operationId: problem` lines for what does not pair.
 */
export function webhookPairingProblems(operations: readonly AnyOperation[]): string[] {
  const byId = new Map(operations.map((operation) => [operation.operationId, operation]));
  const deletesOf = new Map<string, AnyOperation[]>();
  const problems: string[] = [];
  for (const operation of operations) {
    const targetId = operation.connector.deletesWebhookOf;
    if (targetId === undefined) continue;
    const target = byId.get(targetId);
    const label = operation.operationId;
    if (!target || !webhookOf(target)) {
      problems.push(`${label}: deletesWebhookOf names ${targetId}, which is not a webhook trigger`);
      continue;
    }
    deletesOf.set(targetId, [...(deletesOf.get(targetId) ?? []), operation]);
    if (operation.method !== "delete") problems.push(`${label}: deletes webhook subscriptions of ${targetId} but is a ${operation.method.toUpperCase()}`);
    if (operation.connector.visibility !== "internal") problems.push(`${label}: deletes webhook subscriptions of ${targetId} but is not internal`);
    if (!isSubscriptionPath(target.path, operation.path))
      problems.push(`${label}: path ${operation.path} is not ${targetId}'s path ${target.path} plus one path parameter`);
  }
  for (const operation of operations) {
    if (!webhookOf(operation)) continue;
    const count = deletesOf.get(operation.operationId)?.length ?? 0;
    if (count !== 1) problems.push(`${operation.operationId}: webhook trigger has ${count} delete operations (deletesWebhookOf), not 1`);
  }
  return problems;
}
