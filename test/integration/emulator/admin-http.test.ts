/**
 * The management API driven by the real `ServiceBusAdministrationClient` (7.9.5) over HTTPS, against an
 * in-memory backend: only the admin server runs, no broker.
 */
import { get } from "node:https";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ServiceBusAdministrationClient } from "@azure/service-bus";
import type { ServiceBusAdministrationClientOptions } from "@azure/service-bus";
import type { AdminServer } from "../../../emulator/src/admin/admin-http-server.js";
import { startAdminServer } from "../../../emulator/src/admin/admin-http-server.js";
import type { TlsCertificate } from "../../../emulator/src/admin/certificate.js";
import { createSelfSignedCertificate } from "../../../emulator/src/admin/certificate.js";
import { DEFAULT_SHARED_ACCESS_KEY } from "../../../emulator/src/create-emulator.js";
import { FakeAdminBackend } from "../../helpers/fake-admin-backend.js";

const NEVER = "P10675199DT2H48M5.4775807S";

let tls: TlsCertificate;
let server: AdminServer;
let backend: FakeAdminBackend;
let admin: ServiceBusAdministrationClient;

function connectionString(key = DEFAULT_SHARED_ACCESS_KEY.key): string {
  return `Endpoint=sb://127.0.0.1:${server.port};SharedAccessKeyName=${DEFAULT_SHARED_ACCESS_KEY.name};SharedAccessKey=${key}`;
}

function newClient(options: ServiceBusAdministrationClientOptions = { tlsOptions: { ca: tls.cert } }, key?: string): ServiceBusAdministrationClient {
  return new ServiceBusAdministrationClient(connectionString(key), options);
}

/** What a `RestError` carries. (`instanceof` would not work: the SDK loads the CommonJS build of core-rest-pipeline.) */
interface RestErrorFields {
  code: string | undefined;
  statusCode: number | undefined;
  message: string;
}

/** The code, HTTP status and message an operation failed with. */
async function failure(operation: Promise<unknown>): Promise<RestErrorFields> {
  const error = await operation.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error) || error.name !== "RestError") throw new Error(`expected a RestError, got ${String(error)}`);
  const { code, statusCode, message } = error as Error & Partial<RestErrorFields>;
  return { code, statusCode, message };
}

async function all<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

beforeAll(() => {
  tls = createSelfSignedCertificate();
});

beforeEach(async () => {
  backend = new FakeAdminBackend();
  server = await startAdminServer({ backend, keys: [DEFAULT_SHARED_ACCESS_KEY], tls });
  admin = newClient();
});

afterEach(async () => {
  await server.close();
});

describe("admin API: queues", () => {
  it("creates, gets, updates, lists and deletes queues", async () => {
    const created = await admin.createQueue("orders", {
      lockDuration: "PT30S",
      maxDeliveryCount: 5,
      defaultMessageTimeToLive: "PT1H",
      deadLetteringOnMessageExpiration: true,
      requiresSession: true,
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: "PT1M",
      userMetadata: "first",
    });
    expect(created).toMatchObject({
      name: "orders",
      lockDuration: "PT30S",
      maxDeliveryCount: 5,
      defaultMessageTimeToLive: "PT1H",
      deadLetteringOnMessageExpiration: true,
      requiresSession: true,
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: "PT1M",
      userMetadata: "first",
      status: "Active",
      enablePartitioning: false,
      maxSizeInMegabytes: 1024,
      autoDeleteOnIdle: NEVER,
    });
    expect(backend.getQueue("orders")?.properties).toMatchObject({ lockDurationInMs: 30_000, maxDeliveryCount: 5, requiresSession: true });

    const fetched = await admin.getQueue("ORDERS");
    expect(fetched.name).toBe("orders");
    fetched.lockDuration = "PT2M";
    fetched.maxDeliveryCount = 8;
    fetched.userMetadata = "second";
    const updated = await admin.updateQueue(fetched);
    expect(updated).toMatchObject({ name: "orders", lockDuration: "PT2M", maxDeliveryCount: 8, userMetadata: "second", requiresSession: true });
    expect(backend.getQueue("orders")?.properties.lockDurationInMs).toBe(120_000);

    await admin.createQueue("billing");
    await admin.createQueue("archive");
    expect((await all(admin.listQueues())).map((queue) => queue.name)).toEqual(["archive", "billing", "orders"]);
    const pages = await all(admin.listQueues().byPage({ maxPageSize: 2 }));
    expect(pages.map((page) => page.map((queue) => queue.name))).toEqual([["archive", "billing"], ["orders"]]);

    expect(await admin.queueExists("orders")).toBe(true);
    await admin.deleteQueue("orders");
    expect(await admin.queueExists("orders")).toBe(false);
    expect(backend.getQueue("orders")).toBeUndefined();
  });

  it("reports runtime counts and times", async () => {
    await admin.createQueue("orders");
    backend.setCounts("orders", { activeMessageCount: 4, deadLetterMessageCount: 2, scheduledMessageCount: 1, sizeInBytes: 1234 });
    const runtime = await admin.getQueueRuntimeProperties("orders");
    expect(runtime).toMatchObject({
      name: "orders",
      activeMessageCount: 4,
      deadLetterMessageCount: 2,
      scheduledMessageCount: 1,
      transferMessageCount: 0,
      transferDeadLetterMessageCount: 0,
      totalMessageCount: 7,
      sizeInBytes: 1234,
    });
    expect(runtime.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(runtime.modifiedAt.getTime()).toBe(runtime.createdAt.getTime());
    const listed = await all(admin.listQueuesRuntimeProperties());
    expect(listed.map((queue) => [queue.name, queue.activeMessageCount])).toEqual([["orders", 4]]);
  });

  it("forwards to another entity: the SDK's absolute URL becomes the entity name and reads back as sent", async () => {
    await admin.createQueue("archive");
    const queue = await admin.createQueue("orders", { forwardTo: "archive", forwardDeadLetteredMessagesTo: "archive" });
    expect(queue.forwardTo).toBe(`sb://127.0.0.1:${server.port}/archive`);
    expect(queue.forwardDeadLetteredMessagesTo).toBe(`sb://127.0.0.1:${server.port}/archive`);
    expect(backend.getQueue("orders")?.properties).toMatchObject({ forwardTo: "archive", forwardDeadLetteredMessagesTo: "archive" });
    queue.forwardTo = undefined;
    const cleared = await admin.updateQueue(queue);
    expect(cleared.forwardTo).toBeUndefined();
    expect(cleared.forwardDeadLetteredMessagesTo).toBe(`sb://127.0.0.1:${server.port}/archive`);
    expect(backend.getQueue("orders")?.properties).toMatchObject({ forwardTo: undefined, forwardDeadLetteredMessagesTo: "archive" });
    expect(await failure(admin.createQueue("lost", { forwardTo: "nowhere" }))).toMatchObject({ code: "ServiceError", statusCode: 400 });
  });

  it("maps missing, duplicate and invalid entities to the SDK's error codes", async () => {
    await admin.createQueue("orders");
    expect(await failure(admin.createQueue("orders"))).toMatchObject({ code: "MessageEntityAlreadyExistsError", statusCode: 409 });
    expect(await failure(admin.createTopic("Orders"))).toMatchObject({ code: "MessageEntityAlreadyExistsError", statusCode: 409 });
    expect(await failure(admin.getQueue("missing"))).toMatchObject({
      code: "MessageEntityNotFoundError",
      message: 'The messaging entity "missing" being requested cannot be found.',
    });
    expect(await failure(admin.deleteQueue("missing"))).toMatchObject({ code: "MessageEntityNotFoundError", statusCode: 404 });
    const missing = await admin.getQueue("orders");
    await admin.deleteQueue("orders");
    expect(await failure(admin.updateQueue(missing))).toMatchObject({ code: "MessageEntityNotFoundError", statusCode: 404 });
    const invalid = await failure(admin.createQueue("slow", { lockDuration: "PT10M" }));
    expect(invalid).toMatchObject({ code: "ServiceError", statusCode: 400 });
    expect(invalid.message).toContain("LockDuration");
  });
});

describe("admin API: topics, subscriptions and rules", () => {
  it("creates, gets, updates, lists and deletes topics", async () => {
    const topic = await admin.createTopic("events", { defaultMessageTimeToLive: "P1D", requiresDuplicateDetection: true, supportOrdering: false });
    expect(topic).toMatchObject({ name: "events", defaultMessageTimeToLive: "P1D", requiresDuplicateDetection: true, supportOrdering: false });
    topic.defaultMessageTimeToLive = "PT12H";
    expect((await admin.updateTopic(topic)).defaultMessageTimeToLive).toBe("PT12H");
    expect(backend.getTopic("events")?.properties.defaultMessageTimeToLiveInMs).toBe(12 * 3_600_000);
    await admin.createTopic("alerts");
    expect((await all(admin.listTopics())).map((each) => each.name)).toEqual(["alerts", "events"]);
    expect(await admin.topicExists("events")).toBe(true);
    await admin.deleteTopic("events");
    expect(await admin.topicExists("events")).toBe(false);
    expect(await failure(admin.getTopic("events"))).toMatchObject({ code: "MessageEntityNotFoundError" });
  });

  it("creates subscriptions with a SQL or a correlation default rule, and without one", async () => {
    await admin.createTopic("events");
    const red = await admin.createSubscription("events", "red", {
      lockDuration: "PT45S",
      maxDeliveryCount: 3,
      defaultRuleOptions: { name: "onlyRed", filter: { sqlExpression: "color = 'red'" }, action: { sqlExpression: "SET seen = TRUE" } },
    });
    expect(red).toMatchObject({ topicName: "events", subscriptionName: "red", lockDuration: "PT45S", maxDeliveryCount: 3, status: "Active" });
    await admin.createSubscription("events", "vip", {
      defaultRuleOptions: { name: "vipOnly", filter: { correlationId: "vip", applicationProperties: { tier: "gold", level: 3, active: true } } },
    });
    await admin.createSubscription("events", "all");

    expect(backend.getSubscription("events", "red")?.rules).toEqual([
      { name: "onlyRed", filter: { type: "sql", sqlExpression: "color = 'red'" }, action: { sqlExpression: "SET seen = TRUE" } },
    ]);
    expect(await all(admin.listRules("events", "vip"))).toEqual([
      {
        name: "vipOnly",
        filter: {
          correlationId: "vip",
          applicationProperties: { tier: "gold", level: 3, active: true },
          subject: undefined,
          to: undefined,
          replyTo: undefined,
          replyToSessionId: undefined,
          sessionId: undefined,
          messageId: undefined,
          contentType: undefined,
        },
        action: { sqlExpression: undefined, sqlParameters: undefined },
      },
    ]);
    expect(await admin.getRule("events", "all", "$Default")).toMatchObject({ name: "$Default", filter: { sqlExpression: "1=1" } });

    const fetched = await admin.getSubscription("events", "red");
    fetched.maxDeliveryCount = 9;
    fetched.userMetadata = "team-red";
    expect(await admin.updateSubscription(fetched)).toMatchObject({ maxDeliveryCount: 9, userMetadata: "team-red" });
    expect(backend.getSubscription("events", "red")?.properties.maxDeliveryCount).toBe(9);
    expect((await all(admin.listSubscriptions("events"))).map((each) => each.subscriptionName)).toEqual(["all", "red", "vip"]);
    expect((await admin.getTopicRuntimeProperties("events")).subscriptionCount).toBe(3);

    backend.setCounts("events/Subscriptions/red", { activeMessageCount: 5, deadLetterMessageCount: 1 });
    expect(await admin.getSubscriptionRuntimeProperties("events", "red")).toMatchObject({
      topicName: "events",
      subscriptionName: "red",
      activeMessageCount: 5,
      deadLetterMessageCount: 1,
      totalMessageCount: 6,
    });

    expect(await admin.subscriptionExists("events", "red")).toBe(true);
    await admin.deleteSubscription("events", "red");
    expect(await admin.subscriptionExists("events", "red")).toBe(false);
    expect(await failure(admin.createSubscription("nope", "s"))).toMatchObject({ code: "MessageEntityNotFoundError", statusCode: 404 });
    expect(await failure(admin.createSubscription("events", "vip"))).toMatchObject({ code: "MessageEntityAlreadyExistsError", statusCode: 409 });
  });

  it("creates, gets, updates, lists and deletes rules", async () => {
    await admin.createTopic("events");
    await admin.createSubscription("events", "audit");
    const sql = await admin.createRule("events", "audit", "big", { sqlExpression: "amount > 100" }, { sqlExpression: "SET flagged = 'yes'" });
    expect(sql).toMatchObject({ name: "big", filter: { sqlExpression: "amount > 100" }, action: { sqlExpression: "SET flagged = 'yes'" } });
    const correlation = await admin.createRule("events", "audit", "eu", { subject: "order", applicationProperties: { region: "eu" } });
    expect(correlation.filter).toMatchObject({ subject: "order", applicationProperties: { region: "eu" } });
    expect(correlation.action).toEqual({ sqlExpression: undefined, sqlParameters: undefined });

    const rule = await admin.getRule("events", "audit", "big");
    rule.filter = { sqlExpression: "amount > 500" };
    expect((await admin.updateRule("events", "audit", rule)).filter).toMatchObject({ sqlExpression: "amount > 500" });
    expect(backend.getRule("events", "audit", "big")?.filter).toEqual({ type: "sql", sqlExpression: "amount > 500" });

    expect((await all(admin.listRules("events", "audit"))).map((each) => each.name)).toEqual(["$Default", "big", "eu"]);
    expect(await admin.ruleExists("events", "audit", "eu")).toBe(true);
    await admin.deleteRule("events", "audit", "$Default");
    expect(await admin.ruleExists("events", "audit", "$Default")).toBe(false);

    expect(await failure(admin.createRule("events", "audit", "eu", { sqlExpression: "1=1" }))).toMatchObject({
      code: "MessageEntityAlreadyExistsError",
      statusCode: 409,
    });
    expect(await failure(admin.createRule("events", "audit", "bad", { sqlExpression: "amount >" }))).toMatchObject({ code: "ServiceError", statusCode: 400 });
    expect(await failure(admin.getRule("events", "audit", "missing"))).toMatchObject({ code: "MessageEntityNotFoundError" });
    expect(await failure(admin.deleteRule("events", "audit", "missing"))).toMatchObject({ code: "MessageEntityNotFoundError", statusCode: 404 });
  });
});

describe("admin API: namespace, authentication, TLS, health", () => {
  it("reports the namespace", async () => {
    expect(await admin.getNamespaceProperties()).toMatchObject({ name: "sbemulatorns", messagingSku: "Standard", messagingUnits: undefined });
  });

  it("refuses a wrong key with 401 UnauthorizedRequestError", async () => {
    const intruder = newClient({ tlsOptions: { ca: tls.cert } }, "not-the-key");
    expect(await failure(intruder.getQueue("orders"))).toMatchObject({ code: "UnauthorizedRequestError", statusCode: 401 });
    expect(await failure(intruder.createQueue("orders"))).toMatchObject({ code: "UnauthorizedRequestError", statusCode: 401 });
    expect(backend.listQueues()).toEqual([]);
  });

  it("serves a certificate that a client without the CA refuses", async () => {
    const untrusting = newClient({ retryOptions: { maxRetries: 0 } });
    expect((await failure(untrusting.getNamespaceProperties())).message).toMatch(/self[- ]signed/i);
  });

  it("answers GET /health without authentication", async () => {
    const { status, body } = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      get({ host: "127.0.0.1", port: server.port, path: "/health", ca: tls.cert }, (response) => {
        let text = "";
        response
          .setEncoding("utf8")
          .on("data", (chunk: string) => (text += chunk))
          .on("end", () => resolve({ status: response.statusCode, body: text }));
      }).on("error", reject);
    });
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual({ status: "healthy", message: "Service is healthy." });
  });
});
