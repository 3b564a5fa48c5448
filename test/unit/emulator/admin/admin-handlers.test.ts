import { describe, expect, it } from "vitest";
import { AdminError } from "../../../../emulator/src/admin/admin-errors.js";
import type { AdminRequest } from "../../../../emulator/src/admin/admin-handlers.js";
import { createAdminHandler } from "../../../../emulator/src/admin/admin-handlers.js";
import { parseAdminRoute } from "../../../../emulator/src/admin/admin-routes.js";
import { FakeAdminBackend } from "../../../helpers/fake-admin-backend.js";
import { sdkEntryBody, sdkParse } from "./sdk-bodies.js";

/** A handler over a fake backend, with a clock the test moves. */
function setup() {
  const backend = new FakeAdminBackend();
  let now = new Date("2030-01-01T00:00:00.000Z");
  const handle = createAdminHandler({ backend, now: () => now });
  const request = (method: string, path: string, options: { body?: string; ifMatch?: boolean; query?: string } = {}) => {
    const route = parseAdminRoute(path);
    if (!route) throw new Error(`no route for ${path}`);
    const full: AdminRequest = {
      method,
      route,
      body: options.body ?? "",
      ifMatch: options.ifMatch ?? false,
      query: new URLSearchParams(options.query ?? "api-version=2021-05"),
      origin: "https://127.0.0.1:5300",
    };
    return handle(full);
  };
  const failure = async (promise: Promise<unknown>): Promise<AdminError> => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (!(error instanceof AdminError)) throw new Error(`expected an AdminError, got ${String(error)}`);
    return error;
  };
  return { backend, handle, request, failure, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const queueBody = (fields: Record<string, unknown> = {}): string => sdkEntryBody("QueueDescription", fields);

describe("admin handlers", () => {
  it("creates with 201, updates with 200 (the body replaces the description) and keeps the creation time", async () => {
    const { request, advance } = setup();
    const created = await request("PUT", "/orders", { body: queueBody({ LockDuration: "PT10S" }) });
    expect(created.status).toBe(201);
    advance(60_000);
    const updated = await request("PUT", "/orders", { body: queueBody({ MaxDeliveryCount: "3" }), ifMatch: true });
    expect(updated.status).toBe(200);
    const entry = (await sdkParse(updated.body)).entry;
    expect(entry.id).toBe("https://127.0.0.1:5300/orders?api-version=2021-05");
    expect(entry.content.QueueDescription).toMatchObject({
      LockDuration: "PT1M",
      MaxDeliveryCount: "3",
      CreatedAt: "2030-01-01T00:00:00.000Z",
      UpdatedAt: "2030-01-01T00:01:00.000Z",
    });
  });

  it("answers a GET of a missing entity with an empty feed, as Service Bus does", async () => {
    const { request } = setup();
    for (const path of ["/nope", "/t/Subscriptions/s", "/t/Subscriptions/s/Rules/r"]) {
      const response = await request("GET", path);
      expect(response.status).toBe(200);
      expect((await sdkParse(response.body)).feed).not.toHaveProperty("entry");
    }
  });

  it("refuses duplicates (also across queues and topics), updates and deletes of missing entities", async () => {
    const { request, failure } = setup();
    await request("PUT", "/shared", { body: queueBody() });
    expect((await failure(request("PUT", "/shared", { body: queueBody() }))).status).toBe(409);
    expect((await failure(request("PUT", "/Shared", { body: sdkEntryBody("TopicDescription", {}) }))).status).toBe(409);
    expect((await failure(request("PUT", "/missing", { body: queueBody(), ifMatch: true }))).status).toBe(404);
    expect((await failure(request("DELETE", "/missing"))).status).toBe(404);
    expect((await failure(request("PUT", "/t/Subscriptions/s", { body: sdkEntryBody("SubscriptionDescription", {}) }))).status).toBe(404);
  });

  it("refuses to change RequiresSession or RequiresDuplicateDetection of an existing queue", async () => {
    const { request, failure } = setup();
    await request("PUT", "/q", { body: queueBody() });
    const error = await failure(request("PUT", "/q", { body: queueBody({ RequiresSession: "true" }), ifMatch: true }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("RequiresSession");
  });

  it("refuses a description of the wrong kind, bad names and wrong methods", async () => {
    const { request, failure } = setup();
    expect((await failure(request("PUT", "/q", { body: sdkEntryBody("RuleDescription", {}) }))).status).toBe(400);
    expect((await failure(request("PUT", "/-q", { body: queueBody() }))).status).toBe(400);
    expect((await failure(request("POST", "/q"))).status).toBe(405);
    expect((await failure(request("DELETE", "/$Resources/Queues"))).status).toBe(405);
  });

  it("pages lists with $skip and $top (at most 100) and links the next page", async () => {
    const { request } = setup();
    for (const name of ["c", "a", "B", "d", "e"]) await request("PUT", `/${name}`, { body: queueBody() });
    const titles = async (query: string) => {
      const feed = (await sdkParse((await request("GET", "/$Resources/Queues", { query })).body)).feed;
      const entries = feed.entry === undefined ? [] : Array.isArray(feed.entry) ? feed.entry : [feed.entry];
      const links = Array.isArray(feed.link) ? feed.link : [feed.link];
      const next = links.find((link: { $: { rel: string } }) => link.$.rel === "next")?.$.href as string | undefined;
      return { names: entries.map((entry: { title: { _: string } }) => entry.title._), next: next && new URL(next).search };
    };
    expect(await titles("api-version=2021-05")).toEqual({ names: ["a", "B", "c", "d", "e"], next: undefined });
    expect(await titles("api-version=2021-05&$top=2")).toEqual({ names: ["a", "B"], next: "?api-version=2021-05&$skip=2&$top=2" });
    expect(await titles("api-version=2021-05&$skip=4&$top=2")).toEqual({ names: ["e"], next: undefined });
    expect(await titles("api-version=2021-05&$skip=9")).toEqual({ names: [], next: undefined });
    expect(await titles("api-version=2021-05&$top=1000")).toEqual({ names: ["a", "B", "c", "d", "e"], next: undefined });
  });

  it("gives a subscription created without a rule the backend's $Default rule, and one with a DefaultRuleDescription that rule", async () => {
    const { request } = setup();
    await request("PUT", "/t", { body: sdkEntryBody("TopicDescription", {}) });
    await request("PUT", "/t/Subscriptions/plain", { body: sdkEntryBody("SubscriptionDescription", {}) });
    await request("PUT", "/t/Subscriptions/red", {
      body: sdkEntryBody("SubscriptionDescription", {
        DefaultRuleDescription: { Filter: { SqlExpression: "color = 'red'", $: { "p4:type": "SqlFilter", "xmlns:p4": "i" } }, Name: "onlyRed" },
      }),
    });
    const ruleNames = async (subscription: string) => {
      const feed = (await sdkParse((await request("GET", `/t/Subscriptions/${subscription}/Rules/`)).body)).feed;
      return (Array.isArray(feed.entry) ? feed.entry : [feed.entry]).map(
        (entry: { content: { RuleDescription: { Name: string } } }) => entry.content.RuleDescription.Name,
      );
    };
    expect(await ruleNames("plain")).toEqual(["$Default"]);
    expect(await ruleNames("red")).toEqual(["onlyRed"]);
    const rule = (await sdkParse((await request("GET", "/t/Subscriptions/plain/Rules/$Default")).body)).entry;
    expect(rule.id).toBe("https://127.0.0.1:5300/t/Subscriptions/plain/Rules/$Default?api-version=2021-05");
  });

  it("forgets a deleted entity's times, so a new one of that name starts afresh", async () => {
    const { request, advance } = setup();
    await request("PUT", "/q", { body: queueBody() });
    await request("DELETE", "/q");
    advance(5_000);
    const again = (await sdkParse((await request("PUT", "/q", { body: queueBody() })).body)).entry;
    expect(again.content.QueueDescription.CreatedAt).toBe("2030-01-01T00:00:05.000Z");
  });

  it("reports the namespace", async () => {
    const { request } = setup();
    const entry = (await sdkParse((await request("GET", "/$namespaceinfo")).body)).entry;
    expect(entry.content.NamespaceInfo).toMatchObject({ Name: "sbemulatorns", MessagingSKU: "Standard", CreatedTime: "2030-01-01T00:00:00.000Z" });
  });
});
