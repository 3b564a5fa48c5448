/**
 * {@link ManagementPort} over `ServiceBusAdministrationClient` (Service Bus's ATOM management API over
 * HTTPS). Reads are bounded by a short timeout and, after the API failed to answer, skipped for a
 * while, so lists stay fast when the management API is unreachable (a Listen-only SAS key, an
 * emulator without one).
 */
import type { CreateSubscriptionOptions, ServiceBusAdministrationClient, SqlRuleFilter, CorrelationRuleFilter } from "@azure/service-bus";
import type { ApiLogger } from "../logger.js";
import { GatewayError } from "./gateway-error.js";
import type { CreateSubscriptionInput, EntityCounts, ManagementPort, SubscriptionInfo } from "./management-port.js";

/** Options of {@link createAdminManagement}. */
export interface AdminManagementOptions {
  admin: ServiceBusAdministrationClient;
  logger: ApiLogger;
  /** Longest wait for a read (counts, entity properties). Default 3 s. */
  readTimeoutInMs?: number;
  /** After a read found the management API unreachable, reads are skipped this long. Default 30 s. */
  pauseAfterFailureInMs?: number;
  /** Longest wait for a create or delete. Default 30 s. */
  writeTimeoutInMs?: number;
  now?: () => number;
}

/** `PT1M30S`-style durations (what the management API returns) in milliseconds; undefined when not understood. */
export function isoDurationToMs(value: string | undefined): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value ?? "");
  if (!match || value === "P" || value === "PT") return undefined;
  const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = match;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Math.round(Number(seconds) * 1000);
}

/** Milliseconds as an ISO 8601 duration in seconds (`PT90S`). */
export function msToIsoDuration(ms: number): string {
  return `PT${ms / 1000}S`;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** The gateway's error for a failed management write of a `what`: its HTTP status, whether it timed out, and Service Bus's text. */
export function managementError(error: unknown, what: "topic" | "subscription"): GatewayError {
  const name = (error as { name?: unknown } | null)?.name;
  const text = error instanceof Error ? error.message.replace(/\s+/g, " ").slice(0, 500) : "";
  return new GatewayError({ kind: "management", what, status: statusOf(error), aborted: name === "AbortError", text }, { cause: error });
}

function filterOf(rule: NonNullable<CreateSubscriptionInput["rule"]>): SqlRuleFilter | CorrelationRuleFilter {
  if (rule.sqlFilter !== undefined) return { sqlExpression: rule.sqlFilter };
  if (rule.correlationFilter !== undefined) return { ...rule.correlationFilter };
  return { sqlExpression: "1=1" };
}

/** Creates the management port over an administration client. */
export function createAdminManagement({
  admin,
  logger,
  readTimeoutInMs = 3_000,
  pauseAfterFailureInMs = 30_000,
  writeTimeoutInMs = 30_000,
  now = Date.now,
}: AdminManagementOptions): ManagementPort {
  let pausedUntil = 0;

  /** Runs a read; undefined when the API is paused, unreachable or the entity is missing. */
  const read = async <T>(work: (abortSignal: AbortSignal) => Promise<T>): Promise<T | undefined> => {
    if (now() < pausedUntil) return undefined;
    try {
      return await work(AbortSignal.timeout(readTimeoutInMs));
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return undefined;
      pausedUntil = now() + pauseAfterFailureInMs;
      logger.warn({ err: error, status }, "the Service Bus management API did not answer; lists come without counts for a while");
      return undefined;
    }
  };

  const countsOf = async (
    names: readonly string[],
    get: (name: string, abortSignal: AbortSignal) => Promise<EntityCounts>,
  ): Promise<Map<string, EntityCounts>> => {
    const result = new Map<string, EntityCounts>();
    const found = await Promise.all(names.map(async (name) => [name, await read((signal) => get(name, signal))] as const));
    for (const [name, counts] of found) if (counts) result.set(name, counts);
    return result;
  };

  return {
    queueCounts(names) {
      return countsOf(names, async (name, abortSignal) => {
        const properties = await admin.getQueueRuntimeProperties(name, { abortSignal });
        return {
          activeMessageCount: properties.activeMessageCount,
          deadLetterMessageCount: properties.deadLetterMessageCount,
          scheduledMessageCount: properties.scheduledMessageCount,
        };
      });
    },

    topicCounts(names) {
      return countsOf(names, async (name, abortSignal) => ({
        scheduledMessageCount: (await admin.getTopicRuntimeProperties(name, { abortSignal })).scheduledMessageCount,
      }));
    },

    listSubscriptions(topic) {
      return read(async (abortSignal) => {
        const subscriptions: Array<{ name: string } & EntityCounts> = [];
        for await (const properties of admin.listSubscriptionsRuntimeProperties(topic, { abortSignal })) {
          subscriptions.push({
            name: properties.subscriptionName,
            activeMessageCount: properties.activeMessageCount,
            deadLetterMessageCount: properties.deadLetterMessageCount,
          });
        }
        return subscriptions;
      });
    },

    requiresSession(entity) {
      return read(async (abortSignal) =>
        entity.kind === "queue"
          ? (await admin.getQueue(entity.queue, { abortSignal })).requiresSession
          : (await admin.getSubscription(entity.topic, entity.subscription, { abortSignal })).requiresSession,
      );
    },

    async createSubscription(topic, name, input): Promise<SubscriptionInfo> {
      const options: CreateSubscriptionOptions = { abortSignal: AbortSignal.timeout(writeTimeoutInMs) };
      if (input.requiresSession !== undefined) options.requiresSession = input.requiresSession;
      if (input.maxDeliveryCount !== undefined) options.maxDeliveryCount = input.maxDeliveryCount;
      if (input.lockDurationInMs !== undefined) options.lockDuration = msToIsoDuration(input.lockDurationInMs);
      if (input.defaultMessageTimeToLiveInMs !== undefined) options.defaultMessageTimeToLive = msToIsoDuration(input.defaultMessageTimeToLiveInMs);
      if (input.deadLetteringOnMessageExpiration !== undefined) options.deadLetteringOnMessageExpiration = input.deadLetteringOnMessageExpiration;
      if (input.rule) {
        options.defaultRuleOptions = {
          name: input.rule.name ?? "$Default",
          filter: filterOf(input.rule),
          ...(input.rule.sqlAction === undefined ? {} : { action: { sqlExpression: input.rule.sqlAction } }),
        };
      }
      try {
        const created = await admin.createSubscription(topic, name, options);
        return {
          topic,
          name: created.subscriptionName,
          requiresSession: created.requiresSession,
          maxDeliveryCount: created.maxDeliveryCount,
          lockDurationInMs: isoDurationToMs(created.lockDuration) ?? input.lockDurationInMs ?? 60_000,
        };
      } catch (error) {
        throw managementError(error, statusOf(error) === 404 ? "topic" : "subscription");
      }
    },

    async deleteSubscription(topic, name) {
      try {
        await admin.deleteSubscription(topic, name, { abortSignal: AbortSignal.timeout(writeTimeoutInMs) });
      } catch (error) {
        throw managementError(error, "subscription");
      }
    },
  };
}
