/**
 * The management API without HTTP: a parsed request (method, route, query, body, `If-Match`) in, a status and
 * an Atom document out. Entities are read from and written to an {@link AdminBackend}; their times and
 * descriptive properties are kept in an {@link EntityMetadataStore}.
 *
 * Behaviour that the SDK depends on (`serviceBusAtomManagementClient.ts`, `atomXmlHelper.ts`):
 * - PUT without `If-Match` creates (201), and answers 409 when the name is taken, which the SDK reports as
 *   `MessageEntityAlreadyExistsError`; PUT with `If-Match: *` updates (200), 404 when missing. Either way the
 *   body is the whole description: absent elements take Service Bus defaults (the SDK's update sends every
 *   property it read, and leaves out `ForwardTo` or `UserMetadata` to clear them). Subscription rules are
 *   never changed by an update.
 * - GET of a missing entity answers 200 with an empty feed, as Service Bus does; the SDK turns that into
 *   `MessageEntityNotFoundError` ("... cannot be found") and `*Exists()` into false.
 * - DELETE answers 200 with no body, 404 when missing.
 * - Lists page with `$skip` / `$top` (at most 100 per page) and link the next page.
 */
import type { QueueConfig, RuleConfig, SubscriptionConfig, TopicConfig } from "../config/emulator-config.js";
import type { AdminBackend, EntityRuntimeCounts } from "./admin-backend.js";
import { AdminError } from "./admin-errors.js";
import type { AdminRoute } from "./admin-routes.js";
import type { AtomEntry } from "./atom-xml.js";
import { ATOM_ENTRY_CONTENT_TYPE, ATOM_FEED_CONTENT_TYPE, atomEntryDocument, atomFeedDocument, readEntryContent } from "./atom-xml.js";
import { formatTimestamp } from "./description-values.js";
import type { EntityView } from "./entity-descriptions.js";
import {
  DEFAULT_DESCRIPTIVE_PROPERTIES,
  DEFAULT_DUPLICATE_DETECTION,
  DEFAULT_PARTITIONING,
  DEFAULT_RECEIVABLE_PROPERTIES,
  readQueueDescription,
  readSubscriptionDescription,
  readTopicDescription,
  SERVICE_BUS_NAMESPACE,
  writeQueueDescription,
  writeSubscriptionDescription,
  writeTopicDescription,
  XML_SCHEMA_INSTANCE_NAMESPACE,
} from "./entity-descriptions.js";
import type { EntityMetadata } from "./entity-metadata.js";
import { EntityMetadataStore } from "./entity-metadata.js";
import type { NamedEntityKind } from "./entity-names.js";
import { checkEntityName } from "./entity-names.js";
import { readRuleDescription, writeRuleDescription } from "./rule-descriptions.js";
import type { XmlObject } from "./xml-reader.js";
import { parseXmlDocument, xmlChild, xmlChildText } from "./xml-reader.js";
import { xmlElement, xmlText } from "./xml-writer.js";

/** A management request, already routed and authorized. */
export interface AdminRequest {
  readonly method: string;
  readonly route: AdminRoute;
  /** The query string (`api-version`, `$skip`, `$top`). */
  readonly query: URLSearchParams;
  readonly body: string;
  /** Whether the request carries `If-Match` (the SDK sends `If-Match: *` for updates). */
  readonly ifMatch: boolean;
  /** Scheme, host and port the client used, e.g. `https://127.0.0.1:5300`, for the URLs in responses. */
  readonly origin: string;
}

/** What to answer. */
export interface AdminResponse {
  readonly status: number;
  readonly contentType?: string;
  readonly body: string;
}

/** Options of {@link createAdminHandler}. */
export interface AdminHandlerOptions {
  readonly backend: AdminBackend;
  /** The clock for creation and update times; defaults to the system clock. */
  readonly now?: () => Date;
}

/** Answers management requests; throws {@link AdminError} for the failures the HTTP layer reports. */
export type AdminHandler = (request: AdminRequest) => Promise<AdminResponse>;

const DEFAULT_API_VERSION = "2021-05";
const MAX_PAGE_SIZE = 100;

/** Creates the handler of the management API over `backend`. */
export function createAdminHandler(options: AdminHandlerOptions): AdminHandler {
  const api = new AdminApi(options.backend, options.now ?? (() => new Date()));
  return (request) => api.handle(request);
}

/** URLs and forwarding prefix of one request. */
class RequestContext {
  readonly apiVersion: string;

  constructor(readonly request: AdminRequest) {
    this.apiVersion = request.query.get("api-version") ?? DEFAULT_API_VERSION;
  }

  /** `https://host:port/<path>?api-version=...[&extra]`. */
  url(path: string, extra: Record<string, string> = {}): string {
    const query = new URLSearchParams({ "api-version": this.apiVersion, ...extra });
    const encodedPath = path
      .split("/")
      .map((segment) => encodeURIComponent(segment).replace(/%24/g, "$"))
      .join("/");
    return `${this.request.origin}/${encodedPath}?${query.toString().replace(/%24/g, "$")}`;
  }

  /** `sb://host:port/`, the prefix of forwarding targets (the SDK sends them so). */
  get forwardBase(): string {
    return `${this.request.origin.replace(/^[a-z]+:\/\//i, "sb://")}/`;
  }
}

class AdminApi {
  private readonly metadata: EntityMetadataStore;
  private readonly startedAt: Date;

  constructor(
    private readonly backend: AdminBackend,
    private readonly now: () => Date,
  ) {
    this.metadata = new EntityMetadataStore(now);
    this.startedAt = now();
  }

  async handle(request: AdminRequest): Promise<AdminResponse> {
    const context = new RequestContext(request);
    const { route, method } = request;
    switch (route.kind) {
      case "namespace":
        allow(method, ["GET"]);
        return this.namespaceInfo(context);
      case "queues":
        allow(method, ["GET"]);
        return this.list(context, "$Resources/Queues", "Queues", sortByName(this.backend.listQueues()), (queue) => this.queueEntry(queue, context));
      case "topics":
        allow(method, ["GET"]);
        return this.list(context, "$Resources/Topics", "Topics", sortByName(this.backend.listTopics()), (topic) => this.topicEntry(topic, context));
      case "entity":
        return this.entity(context, route.name);
      case "subscriptions": {
        allow(method, ["GET"]);
        const topic = this.requireTopic(route.topic);
        return this.list(context, `${topic.name}/Subscriptions`, "Subscriptions", sortByName(this.backend.listSubscriptions(topic.name)), (subscription) =>
          this.subscriptionEntry(topic.name, subscription, context),
        );
      }
      case "subscription":
        return this.subscription(context, route.topic, route.subscription);
      case "rules": {
        allow(method, ["GET"]);
        const topic = this.requireTopic(route.topic);
        const subscription = this.requireSubscription(topic.name, route.subscription);
        return this.list(
          context,
          `${subscriptionPath(topic.name, subscription.name)}/Rules`,
          "Rules",
          sortByName(this.backend.listRules(topic.name, subscription.name)),
          (rule) => this.ruleEntry(topic.name, subscription.name, rule, context),
        );
      }
      case "rule":
        return this.rule(context, route.topic, route.subscription, route.rule);
    }
  }

  // --- Queues and topics -------------------------------------------------------------------------------------

  private async entity(context: RequestContext, name: string): Promise<AdminResponse> {
    const { method } = context.request;
    allow(method, ["GET", "PUT", "DELETE"]);
    if (method === "GET") {
      const queue = this.backend.getQueue(name);
      if (queue) return entryResponse(200, this.queueEntry(queue, context));
      const topic = this.backend.getTopic(name);
      return topic ? entryResponse(200, this.topicEntry(topic, context)) : this.emptyFeed(context, name);
    }
    if (method === "DELETE") {
      const queue = this.backend.getQueue(name);
      const topic = queue ? undefined : this.backend.getTopic(name);
      if (queue) this.backend.deleteQueue(queue.name);
      else if (topic) this.backend.deleteTopic(topic.name);
      else throw AdminError.notFound("Queue or topic", name);
      this.metadata.deleted((queue ?? topic)?.name ?? name);
      return { status: 200, body: "" };
    }
    const { name: kind, description } = readEntryContent(await parseXmlDocument(context.request.body));
    if (kind === "QueueDescription") return this.putQueue(context, name, description);
    if (kind === "TopicDescription") return this.putTopic(context, name, description);
    throw AdminError.invalid(`A PUT to '${name}' must carry a QueueDescription or a TopicDescription, not a ${kind}.`);
  }

  private putQueue(context: RequestContext, name: string, description: unknown): AdminResponse {
    checkEntityName("Queue", name);
    const existing = this.backend.getQueue(name);
    const state = readQueueDescription(description, {
      properties: { ...DEFAULT_RECEIVABLE_PROPERTIES, ...DEFAULT_DUPLICATE_DETECTION, ...DEFAULT_PARTITIONING },
      descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES },
    });
    if (!context.request.ifMatch) {
      this.checkFree(name, "Queue");
      const created = this.backend.createQueue({ name, properties: state.properties });
      this.metadata.created(created.name, state.descriptive);
      return entryResponse(201, this.queueEntry(created, context));
    }
    if (!existing) throw AdminError.notFound("Queue", name);
    checkUnchanged("Queue", "RequiresSession", existing.properties.requiresSession, state.properties.requiresSession);
    checkUnchanged("Queue", "RequiresDuplicateDetection", existing.properties.requiresDuplicateDetection, state.properties.requiresDuplicateDetection);
    checkUnchanged("Queue", "EnablePartitioning", existing.properties.enablePartitioning, state.properties.enablePartitioning);
    const updated = this.backend.updateQueue({ name: existing.name, properties: state.properties });
    this.metadata.updated(updated.name, state.descriptive);
    return entryResponse(200, this.queueEntry(updated, context));
  }

  private putTopic(context: RequestContext, name: string, description: unknown): AdminResponse {
    checkEntityName("Topic", name);
    const existing = this.backend.getTopic(name);
    const state = readTopicDescription(description, {
      properties: { defaultMessageTimeToLiveInMs: Number.POSITIVE_INFINITY, ...DEFAULT_DUPLICATE_DETECTION, ...DEFAULT_PARTITIONING },
      descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES },
    });
    if (!context.request.ifMatch) {
      this.checkFree(name, "Topic");
      const created = this.backend.createTopic({ name, properties: state.properties });
      this.metadata.created(created.name, state.descriptive);
      return entryResponse(201, this.topicEntry(created, context));
    }
    if (!existing) throw AdminError.notFound("Topic", name);
    checkUnchanged("Topic", "RequiresDuplicateDetection", existing.properties.requiresDuplicateDetection, state.properties.requiresDuplicateDetection);
    checkUnchanged("Topic", "EnablePartitioning", existing.properties.enablePartitioning, state.properties.enablePartitioning);
    const updated = this.backend.updateTopic({ name: existing.name, properties: state.properties });
    this.metadata.updated(updated.name, state.descriptive);
    return entryResponse(200, this.topicEntry(updated, context));
  }

  /** Queues and topics share one name space. */
  private checkFree(name: string, kind: "Queue" | "Topic"): void {
    const queue = this.backend.getQueue(name);
    const topic = this.backend.getTopic(name);
    if (queue) throw AdminError.alreadyExists(kind === "Queue" ? "Queue" : "Queue or topic", queue.name);
    if (topic) throw AdminError.alreadyExists(kind === "Topic" ? "Topic" : "Queue or topic", topic.name);
  }

  // --- Subscriptions -----------------------------------------------------------------------------------------

  private async subscription(context: RequestContext, topicName: string, name: string): Promise<AdminResponse> {
    const { method } = context.request;
    allow(method, ["GET", "PUT", "DELETE"]);
    if (method === "GET") {
      const topic = this.backend.getTopic(topicName);
      const subscription = topic && this.backend.getSubscription(topic.name, name);
      return topic && subscription
        ? entryResponse(200, this.subscriptionEntry(topic.name, subscription, context))
        : this.emptyFeed(context, subscriptionPath(topicName, name));
    }
    const topic = this.requireTopic(topicName);
    if (method === "DELETE") {
      const subscription = this.requireSubscription(topic.name, name);
      this.backend.deleteSubscription(topic.name, subscription.name);
      this.metadata.deleted(subscriptionPath(topic.name, subscription.name));
      return { status: 200, body: "" };
    }
    const description = this.readDescription(await parseXmlDocument(context.request.body), "SubscriptionDescription");
    const state = readSubscriptionDescription(description, {
      properties: { ...DEFAULT_RECEIVABLE_PROPERTIES },
      descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES },
    });
    if (!context.request.ifMatch) {
      checkEntityName("Subscription", name);
      const taken = this.backend.getSubscription(topic.name, name);
      if (taken) throw AdminError.alreadyExists("Subscription", subscriptionPath(topic.name, taken.name));
      const defaultRule = xmlChild(description, "DefaultRuleDescription");
      const rules: RuleConfig[] = [];
      if (defaultRule !== undefined) {
        const ruleName = xmlChildText(defaultRule, "Name") || "$Default";
        checkEntityName("Rule", ruleName);
        rules.push(readRuleDescription(defaultRule, ruleName));
      }
      const created = this.backend.createSubscription(topic.name, { name, properties: state.properties, rules });
      this.metadata.created(subscriptionPath(topic.name, created.name), state.descriptive);
      return entryResponse(201, this.subscriptionEntry(topic.name, created, context));
    }
    const existing = this.requireSubscription(topic.name, name);
    const path = subscriptionPath(topic.name, existing.name);
    checkUnchanged("Subscription", "RequiresSession", existing.properties.requiresSession, state.properties.requiresSession);
    const updated = this.backend.updateSubscription(topic.name, { name: existing.name, properties: state.properties });
    this.metadata.updated(path, state.descriptive);
    return entryResponse(200, this.subscriptionEntry(topic.name, updated, context));
  }

  // --- Rules -------------------------------------------------------------------------------------------------

  private async rule(context: RequestContext, topicName: string, subscriptionName: string, name: string): Promise<AdminResponse> {
    const { method } = context.request;
    allow(method, ["GET", "PUT", "DELETE"]);
    if (method === "GET") {
      const topic = this.backend.getTopic(topicName);
      const subscription = topic && this.backend.getSubscription(topic.name, subscriptionName);
      const rule = topic && subscription && this.backend.getRule(topic.name, subscription.name, name);
      return topic && subscription && rule
        ? entryResponse(200, this.ruleEntry(topic.name, subscription.name, rule, context))
        : this.emptyFeed(context, rulePath(topicName, subscriptionName, name));
    }
    const topic = this.requireTopic(topicName);
    const subscription = this.requireSubscription(topic.name, subscriptionName);
    const existing = this.backend.getRule(topic.name, subscription.name, name);
    if (method === "DELETE") {
      if (!existing) throw AdminError.notFound("Rule", rulePath(topic.name, subscription.name, name));
      this.backend.deleteRule(topic.name, subscription.name, existing.name);
      this.metadata.deleted(rulePath(topic.name, subscription.name, existing.name));
      return { status: 200, body: "" };
    }
    const description = this.readDescription(await parseXmlDocument(context.request.body), "RuleDescription");
    if (!context.request.ifMatch) {
      checkEntityName("Rule", name);
      if (existing) throw AdminError.alreadyExists("Rule", rulePath(topic.name, subscription.name, existing.name));
      const created = this.backend.createRule(topic.name, subscription.name, readRuleDescription(description, name));
      this.metadata.created(rulePath(topic.name, subscription.name, created.name), { ...DEFAULT_DESCRIPTIVE_PROPERTIES });
      return entryResponse(201, this.ruleEntry(topic.name, subscription.name, created, context));
    }
    if (!existing) throw AdminError.notFound("Rule", rulePath(topic.name, subscription.name, name));
    const updated = this.backend.updateRule(topic.name, subscription.name, readRuleDescription(description, existing.name));
    this.metadata.updated(rulePath(topic.name, subscription.name, updated.name), { ...DEFAULT_DESCRIPTIVE_PROPERTIES });
    return entryResponse(200, this.ruleEntry(topic.name, subscription.name, updated, context));
  }

  // --- Namespace, lists ----------------------------------------------------------------------------------------

  private namespaceInfo(context: RequestContext): AdminResponse {
    const name = this.backend.namespaceName();
    const content = xmlElement(
      "NamespaceInfo",
      { xmlns: SERVICE_BUS_NAMESPACE, "xmlns:i": XML_SCHEMA_INSTANCE_NAMESPACE },
      xmlText("CreatedTime", formatTimestamp(this.startedAt)),
      xmlText("MessagingSKU", "Standard"),
      xmlText("ModifiedTime", formatTimestamp(this.startedAt)),
      xmlText("Name", name),
      xmlText("NamespaceType", "Messaging"),
    );
    return entryResponse(200, {
      url: context.url("$namespaceinfo"),
      title: name,
      published: this.startedAt,
      updated: this.startedAt,
      author: name,
      content,
    });
  }

  private list<T>(context: RequestContext, path: string, title: string, items: readonly T[], toEntry: (item: T) => AtomEntry): AdminResponse {
    const skip = pagingParameter(context.request.query, "$skip", 0);
    const top = Math.min(pagingParameter(context.request.query, "$top", MAX_PAGE_SIZE), MAX_PAGE_SIZE);
    const page = items.slice(skip, skip + top);
    const nextSkip = skip + page.length;
    const paging: Record<string, string> = {};
    if (context.request.query.has("$skip")) paging["$skip"] = String(skip);
    if (context.request.query.has("$top")) paging["$top"] = String(top);
    const body = atomFeedDocument({
      url: context.url(path, paging),
      title,
      updated: this.now(),
      entries: page.map(toEntry),
      nextUrl: nextSkip < items.length && page.length > 0 ? context.url(path, { $skip: String(nextSkip), $top: String(top) }) : undefined,
    });
    return { status: 200, contentType: ATOM_FEED_CONTENT_TYPE, body };
  }

  /** What Service Bus answers a GET of a missing entity with. */
  private emptyFeed(context: RequestContext, path: string): AdminResponse {
    const body = atomFeedDocument({ url: context.url(path), title: "Publicly Listed Services", updated: this.now(), entries: [] });
    return { status: 200, contentType: ATOM_FEED_CONTENT_TYPE, body };
  }

  // --- Entries -------------------------------------------------------------------------------------------------

  private queueEntry(queue: QueueConfig, context: RequestContext): AtomEntry {
    const metadata = this.metadata.get(queue.name);
    const content = writeQueueDescription(queue, this.view(metadata, this.backend.runtimeCounts(queue.name), context));
    return this.entry(context, queue.name, queue.name, metadata, content);
  }

  private topicEntry(topic: TopicConfig, context: RequestContext): AtomEntry {
    const metadata = this.metadata.get(topic.name);
    const view = this.view(metadata, this.backend.runtimeCounts(topic.name), context);
    return this.entry(context, topic.name, topic.name, metadata, writeTopicDescription(topic, topic.subscriptions.length, view));
  }

  private subscriptionEntry(topic: string, subscription: SubscriptionConfig, context: RequestContext): AtomEntry {
    const path = subscriptionPath(topic, subscription.name);
    const metadata = this.metadata.get(path);
    const content = writeSubscriptionDescription(subscription, this.view(metadata, this.backend.runtimeCounts(path), context));
    return this.entry(context, path, subscription.name, metadata, content);
  }

  private ruleEntry(topic: string, subscription: string, rule: RuleConfig, context: RequestContext): AtomEntry {
    const path = rulePath(topic, subscription, rule.name);
    const metadata = this.metadata.get(path);
    return this.entry(context, path, rule.name, metadata, writeRuleDescription(rule, metadata.createdAt));
  }

  private entry(context: RequestContext, path: string, title: string, metadata: EntityMetadata, content: string): AtomEntry {
    return {
      url: context.url(path),
      title,
      published: metadata.createdAt,
      updated: metadata.updatedAt,
      author: this.backend.namespaceName(),
      content,
    };
  }

  private view(metadata: EntityMetadata, counts: EntityRuntimeCounts, context: RequestContext): EntityView {
    return {
      createdAt: metadata.createdAt,
      updatedAt: metadata.updatedAt,
      accessedAt: counts.accessedAt ?? metadata.updatedAt,
      counts,
      descriptive: metadata.descriptive,
      forwardBase: context.forwardBase,
    };
  }

  // --- Helpers -------------------------------------------------------------------------------------------------

  private readDescription(document: XmlObject, expected: string): unknown {
    const { name, description } = readEntryContent(document);
    if (name !== expected) throw AdminError.invalid(`The request body must carry a ${expected}, not a ${name}.`);
    return description;
  }

  private requireTopic(name: string): TopicConfig {
    const topic = this.backend.getTopic(name);
    if (!topic) throw AdminError.notFound("Topic", name);
    return topic;
  }

  private requireSubscription(topic: string, name: string): SubscriptionConfig {
    const subscription = this.backend.getSubscription(topic, name);
    if (!subscription) throw AdminError.notFound("Subscription", subscriptionPath(topic, name));
    return subscription;
  }
}

function entryResponse(status: number, entry: AtomEntry): AdminResponse {
  return { status, contentType: ATOM_ENTRY_CONTENT_TYPE, body: atomEntryDocument(entry) };
}

function allow(method: string, methods: readonly string[]): void {
  if (!methods.includes(method)) throw new AdminError(405, `The method ${method} is not allowed here; use ${methods.join(", ")}.`);
}

/** Immutable entity settings cannot be changed by an update, as in Service Bus. */
function checkUnchanged(kind: NamedEntityKind, property: string, before: boolean, after: boolean): void {
  if (before !== after) {
    throw AdminError.invalid(`The value for the ${property} property of an existing ${kind} cannot be changed.`);
  }
}

function pagingParameter(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === "") return fallback;
  if (!/^\d+$/.test(text)) throw AdminError.invalid(`${name} must be a non-negative integer, got ${JSON.stringify(text)}.`);
  return Number(text);
}

function sortByName<T extends { name: string }>(items: readonly T[]): T[] {
  const key = (item: T): string => item.name.toLowerCase();
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function subscriptionPath(topic: string, subscription: string): string {
  return `${topic}/Subscriptions/${subscription}`;
}

function rulePath(topic: string, subscription: string, rule: string): string {
  return `${subscriptionPath(topic, subscription)}/Rules/${rule}`;
}
