/**
 * Loads the official Microsoft Service Bus emulator's `Config.json` format into validated,
 * typed and normalised configuration. Every problem is reported as an
 * {@link EmulatorConfigError} naming the JSON path of the offending field.
 */
import { readFileSync } from "node:fs";
import { EmulatorConfigError } from "./config-error.js";
import { formatIsoDuration, parseIsoDurationInMs } from "./durations.js";

/** The emulated namespace and its entities. */
export interface EmulatorConfig {
  namespace: string;
  queues: QueueConfig[];
  topics: TopicConfig[];
}

/** Properties shared by the entities messages are received from: queues and subscriptions. */
export interface ReceivableEntityProperties {
  lockDurationInMs: number;
  maxDeliveryCount: number;
  /** `Number.POSITIVE_INFINITY` when messages never expire. */
  defaultMessageTimeToLiveInMs: number;
  deadLetteringOnMessageExpiration: boolean;
  requiresSession: boolean;
  /** Name of the queue or topic messages are forwarded to, spelled as that entity declares it. */
  forwardTo: string | undefined;
  /** Name of the queue or topic dead-lettered messages are forwarded to, spelled as that entity declares it. */
  forwardDeadLetteredMessagesTo: string | undefined;
}

/** Properties of the entities messages are sent to: queues and topics. */
export interface DuplicateDetectionProperties {
  requiresDuplicateDetection: boolean;
  duplicateDetectionHistoryTimeWindowInMs: number;
}

/**
 * Partitioning of a queue or topic (a topic's subscriptions share it). The emulator keeps one partition,
 * so it changes only what a client can see: the checks Service Bus makes on partition keys and batches.
 */
export interface PartitioningProperties {
  enablePartitioning: boolean;
}

/** A queue. */
export interface QueueConfig {
  name: string;
  properties: ReceivableEntityProperties & DuplicateDetectionProperties & PartitioningProperties;
}

/** A topic and its subscriptions. */
export interface TopicConfig {
  name: string;
  /** `defaultMessageTimeToLiveInMs` is `Number.POSITIVE_INFINITY` when messages never expire. */
  properties: { defaultMessageTimeToLiveInMs: number } & DuplicateDetectionProperties & PartitioningProperties;
  subscriptions: SubscriptionConfig[];
}

/** A topic subscription. An empty `rules` list means the broker adds its `$Default` rule. */
export interface SubscriptionConfig {
  name: string;
  properties: ReceivableEntityProperties;
  rules: RuleConfig[];
}

/** A rule's filter; SQL expressions are kept as text, not parsed. */
export type RuleFilterConfig =
  | {
      type: "correlation";
      correlationId?: string;
      messageId?: string;
      to?: string;
      replyTo?: string;
      /** From the `Label` key. */
      subject?: string;
      sessionId?: string;
      replyToSessionId?: string;
      contentType?: string;
      applicationProperties: Record<string, string | number | boolean>;
    }
  | { type: "sql"; sqlExpression: string };

/** A subscription rule: a filter and an optional SQL action (kept as text). */
export interface RuleConfig {
  name: string;
  filter: RuleFilterConfig;
  action: { sqlExpression: string } | undefined;
}

type CorrelationFilterConfig = Extract<RuleFilterConfig, { type: "correlation" }>;
type JsonObject = { readonly [key: string]: unknown };
type NameKind = "entity" | "subscription" | "rule";

const ROOT_FIELD = "(root)";
const NAME_PATTERN = /^[A-Za-z0-9]$|^[A-Za-z0-9][\w\-./]*[A-Za-z0-9]$/;
const MAX_SQL_EXPRESSION_LENGTH = 1024;
/** Longer time-to-live values (including `TimeSpan.MaxValue`) mean "never expires". */
const TEN_YEARS_IN_MS = 3650 * 24 * 60 * 60 * 1000;
/** .NET `int.MaxValue`: Service Bus stores the delivery count as a 32-bit integer. */
const MAX_INT32 = 2_147_483_647;

const QUEUE_PROPERTY_KEYS = [
  "DeadLetteringOnMessageExpiration",
  "DefaultMessageTimeToLive",
  "DuplicateDetectionHistoryTimeWindow",
  "EnablePartitioning",
  "ForwardDeadLetteredMessagesTo",
  "ForwardTo",
  "LockDuration",
  "MaxDeliveryCount",
  "RequiresDuplicateDetection",
  "RequiresSession",
];
const TOPIC_PROPERTY_KEYS = ["DefaultMessageTimeToLive", "DuplicateDetectionHistoryTimeWindow", "EnablePartitioning", "RequiresDuplicateDetection"];
const SUBSCRIPTION_PROPERTY_KEYS = QUEUE_PROPERTY_KEYS.filter((key) => !key.includes("DuplicateDetection") && key !== "EnablePartitioning");
const CORRELATION_FIELDS = {
  ContentType: "contentType",
  CorrelationId: "correlationId",
  Label: "subject",
  MessageId: "messageId",
  ReplyTo: "replyTo",
  ReplyToSessionId: "replyToSessionId",
  SessionId: "sessionId",
  To: "to",
} as const;
const LOGGING_TYPES = ["File", "Console", "File,Console"];

/**
 * Validates and normalises configuration in the official emulator's `Config.json` format.
 *
 * Missing `Queues`, `Topics`, `Subscriptions`, `Rules` and `Properties` default to empty or
 * to Service Bus defaults; anything present is checked strictly, and unknown keys are rejected.
 *
 * @param json - The parsed JSON document.
 * @param source - Names the document in error messages, usually its file path.
 * @throws EmulatorConfigError naming the offending field.
 */
export function parseEmulatorConfig(json: unknown, source = "Config.json"): EmulatorConfig {
  const reader = new Reader(source);
  const root = reader.object(json, ROOT_FIELD, ["UserConfig"]);
  const userConfig = reader.object(reader.required(root, ROOT_FIELD, "UserConfig"), "UserConfig", ["Namespaces", "Logging"]);
  if (userConfig["Logging"] !== undefined) {
    const logging = reader.object(userConfig["Logging"], "UserConfig.Logging", ["Type"]);
    reader.oneOf(reader.required(logging, "UserConfig.Logging", "Type"), "UserConfig.Logging.Type", LOGGING_TYPES);
  }
  const namespaces = reader.array(reader.required(userConfig, "UserConfig", "Namespaces"), "UserConfig.Namespaces");
  if (namespaces.length !== 1) {
    reader.fail("UserConfig.Namespaces", `must contain exactly one namespace (the emulator serves one), found ${namespaces.length}`);
  }
  return readNamespace(reader, namespaces[0], "UserConfig.Namespaces[0]");
}

/**
 * Reads and validates a `Config.json` file.
 *
 * @param path - The file to read; it names the configuration in error messages.
 * @throws EmulatorConfigError when the file cannot be read, is not JSON, or is not a valid configuration.
 */
export function loadEmulatorConfigFile(path: string): EmulatorConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new EmulatorConfigError(path, ROOT_FIELD, `cannot read the file: ${errorMessage(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new EmulatorConfigError(path, ROOT_FIELD, `is not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  return parseEmulatorConfig(json, path);
}

/**
 * The configuration used when none is given, like the official emulator's sample: namespace
 * `sbemulatorns` with queue `queue.1` and topic `topic.1` with subscription `subscription.1`,
 * all with Service Bus default properties. Returns a fresh object on every call.
 */
export function defaultEmulatorConfig(): EmulatorConfig {
  return parseEmulatorConfig(
    {
      UserConfig: {
        Namespaces: [
          {
            Name: "sbemulatorns",
            Queues: [{ Name: "queue.1" }],
            Topics: [{ Name: "topic.1", Subscriptions: [{ Name: "subscription.1" }] }],
          },
        ],
        Logging: { Type: "File" },
      },
    },
    "default configuration",
  );
}

function readNamespace(reader: Reader, value: unknown, path: string): EmulatorConfig {
  const namespace = reader.object(value, path, ["Name", "Queues", "Topics"]);
  const name = reader.nonEmptyString(reader.required(namespace, path, "Name"), fieldPath(path, "Name"));
  const entityNames = new UniqueNames("queue or topic");
  const queues = reader.optionalArray(namespace, path, "Queues").map((queue, index) => readQueue(reader, queue, `${path}.Queues[${index}]`, entityNames));
  const topics = reader.optionalArray(namespace, path, "Topics").map((topic, index) => readTopic(reader, topic, `${path}.Topics[${index}]`, entityNames));
  queues.forEach((queue, index) =>
    resolveForwarding(reader, queue.properties, `${path}.Queues[${index}].Properties`, entityNames, queue.name, "the queue itself"),
  );
  topics.forEach((topic, topicIndex) =>
    topic.subscriptions.forEach((subscription, index) =>
      resolveForwarding(
        reader,
        subscription.properties,
        `${path}.Topics[${topicIndex}].Subscriptions[${index}].Properties`,
        entityNames,
        topic.name,
        `its own topic ${topic.name}`,
      ),
    ),
  );
  return { namespace: name, queues, topics };
}

function readQueue(reader: Reader, value: unknown, path: string, entityNames: UniqueNames): QueueConfig {
  const queue = reader.object(value, path, ["Name", "Properties"]);
  const name = readName(reader, queue, path, "entity", entityNames);
  const properties = reader.optionalObject(queue, path, "Properties", QUEUE_PROPERTY_KEYS);
  const propertiesPath = fieldPath(path, "Properties");
  return {
    name,
    properties: {
      ...readReceivableProperties(reader, properties, propertiesPath),
      ...readDuplicateDetection(reader, properties, propertiesPath),
      enablePartitioning: reader.boolean(properties, propertiesPath, "EnablePartitioning", false),
    },
  };
}

function readTopic(reader: Reader, value: unknown, path: string, entityNames: UniqueNames): TopicConfig {
  const topic = reader.object(value, path, ["Name", "Properties", "Subscriptions"]);
  const name = readName(reader, topic, path, "entity", entityNames);
  const properties = reader.optionalObject(topic, path, "Properties", TOPIC_PROPERTY_KEYS);
  const propertiesPath = fieldPath(path, "Properties");
  const subscriptionNames = new UniqueNames(`subscription of topic ${name}`);
  return {
    name,
    properties: {
      defaultMessageTimeToLiveInMs: readTimeToLive(reader, properties, propertiesPath),
      ...readDuplicateDetection(reader, properties, propertiesPath),
      enablePartitioning: reader.boolean(properties, propertiesPath, "EnablePartitioning", false),
    },
    subscriptions: reader
      .optionalArray(topic, path, "Subscriptions")
      .map((subscription, index) => readSubscription(reader, subscription, `${path}.Subscriptions[${index}]`, subscriptionNames)),
  };
}

function readSubscription(reader: Reader, value: unknown, path: string, names: UniqueNames): SubscriptionConfig {
  const subscription = reader.object(value, path, ["Name", "Properties", "Rules"]);
  const name = readName(reader, subscription, path, "subscription", names);
  const properties = reader.optionalObject(subscription, path, "Properties", SUBSCRIPTION_PROPERTY_KEYS);
  const ruleNames = new UniqueNames(`rule of subscription ${name}`);
  return {
    name,
    properties: readReceivableProperties(reader, properties, fieldPath(path, "Properties")),
    rules: reader.optionalArray(subscription, path, "Rules").map((rule, index) => readRule(reader, rule, `${path}.Rules[${index}]`, ruleNames)),
  };
}

function readRule(reader: Reader, value: unknown, path: string, names: UniqueNames): RuleConfig {
  const rule = reader.object(value, path, ["Name", "Properties"]);
  const name = readName(reader, rule, path, "rule", names);
  const propertiesPath = fieldPath(path, "Properties");
  const properties = reader.object(reader.required(rule, path, "Properties"), propertiesPath, ["FilterType", "CorrelationFilter", "SqlFilter", "Action"]);
  const filterTypePath = fieldPath(propertiesPath, "FilterType");
  const filterType = reader.oneOf(reader.required(properties, propertiesPath, "FilterType"), filterTypePath, ["Correlation", "Sql"], true);
  const [used, unused] = filterType === "Sql" ? ["SqlFilter", "CorrelationFilter"] : ["CorrelationFilter", "SqlFilter"];
  if (properties[unused] !== undefined) {
    reader.fail(fieldPath(propertiesPath, unused), `is not allowed when FilterType is ${filterType}; use ${used}`);
  }
  const filterValue = reader.required(properties, propertiesPath, used);
  const filter =
    filterType === "Sql"
      ? { type: "sql" as const, sqlExpression: readSqlExpression(reader, filterValue, fieldPath(propertiesPath, used)) }
      : readCorrelationFilter(reader, filterValue, fieldPath(propertiesPath, used));
  const action =
    properties["Action"] === undefined ? undefined : { sqlExpression: readSqlExpression(reader, properties["Action"], fieldPath(propertiesPath, "Action")) };
  return { name, filter, action };
}

function readCorrelationFilter(reader: Reader, value: unknown, path: string): CorrelationFilterConfig {
  const correlation = reader.object(value, path, [...Object.keys(CORRELATION_FIELDS), "Properties"]);
  const filter: CorrelationFilterConfig = { type: "correlation", applicationProperties: {} };
  let hasSystemField = false;
  for (const [key, property] of Object.entries(CORRELATION_FIELDS)) {
    const text = correlation[key] === undefined ? "" : reader.string(correlation[key], fieldPath(path, key));
    if (text !== "") {
      filter[property] = text; // An empty string means "not set", like an empty ForwardTo.
      hasSystemField = true;
    }
  }
  const propertiesPath = fieldPath(path, "Properties");
  const properties = reader.optionalObject(correlation, path, "Properties", undefined);
  filter.applicationProperties = Object.fromEntries(
    Object.entries(properties).map(([key, property]) => {
      if (key === "") {
        reader.fail(fieldPath(propertiesPath, key), "property names must not be empty");
      }
      if (typeof property !== "string" && typeof property !== "number" && typeof property !== "boolean") {
        reader.fail(fieldPath(propertiesPath, key), `must be a string, number or boolean, got ${describe(property)}`);
      }
      return [key, property];
    }),
  );
  if (!hasSystemField && Object.keys(filter.applicationProperties).length === 0) {
    reader.fail(path, `must set at least one of ${[...Object.keys(CORRELATION_FIELDS), "Properties"].join(", ")}`);
  }
  return filter;
}

function readSqlExpression(reader: Reader, value: unknown, path: string): string {
  const expressionPath = fieldPath(path, "SqlExpression");
  const object = reader.object(value, path, ["SqlExpression"]);
  const expression = reader.nonEmptyString(reader.required(object, path, "SqlExpression"), expressionPath);
  if (expression.length > MAX_SQL_EXPRESSION_LENGTH) {
    reader.fail(expressionPath, `must be at most ${MAX_SQL_EXPRESSION_LENGTH} characters long, got ${expression.length}`);
  }
  return expression;
}

/** Reads the `Name` of a queue or topic ("entity"), subscription or rule, checking syntax, length and uniqueness. */
function readName(reader: Reader, object: JsonObject, path: string, kind: NameKind, names: UniqueNames): string {
  const namePath = fieldPath(path, "Name");
  const name = reader.nonEmptyString(reader.required(object, path, "Name"), namePath);
  const maxLength = kind === "entity" ? 260 : 50;
  if (name.length > maxLength) {
    reader.fail(namePath, `must be at most ${maxLength} characters long, got ${name.length}`);
  }
  if (kind === "rule" && name.startsWith("$")) {
    if (name.toLowerCase() !== "$default") {
      reader.fail(namePath, `${JSON.stringify(name)} is not allowed: only the $Default rule name may start with $`);
    }
  } else if (!NAME_PATTERN.test(name)) {
    reader.fail(namePath, `${JSON.stringify(name)} must start and end with a letter or digit and contain only letters, digits, _, -, . and /`);
  } else if (kind !== "entity" && name.includes("/")) {
    // Subscription and rule names are path segments (topic/Subscriptions/name), so Service Bus forbids "/".
    reader.fail(namePath, `${JSON.stringify(name)} must not contain /`);
  }
  const existing = names.add(name, path);
  if (existing !== undefined) {
    reader.fail(namePath, `${JSON.stringify(name)} is already used by the ${names.kind} at ${existing} (names are case-insensitive)`);
  }
  return name;
}

function readReceivableProperties(reader: Reader, properties: JsonObject, path: string): ReceivableEntityProperties {
  return {
    lockDurationInMs: reader.duration(properties, path, "LockDuration", "PT1M", [5_000, 5 * 60_000]),
    // Azure accepts any positive 32-bit count; unlike the official emulator (which caps it at 10) we do too.
    maxDeliveryCount: reader.integer(properties, path, "MaxDeliveryCount", 3, [1, MAX_INT32]),
    defaultMessageTimeToLiveInMs: readTimeToLive(reader, properties, path),
    deadLetteringOnMessageExpiration: reader.boolean(properties, path, "DeadLetteringOnMessageExpiration", false),
    requiresSession: reader.boolean(properties, path, "RequiresSession", false),
    forwardTo: reader.forwardTarget(properties, path, "ForwardTo"),
    forwardDeadLetteredMessagesTo: reader.forwardTarget(properties, path, "ForwardDeadLetteredMessagesTo"),
  };
}

function readDuplicateDetection(reader: Reader, properties: JsonObject, path: string): DuplicateDetectionProperties {
  return {
    requiresDuplicateDetection: reader.boolean(properties, path, "RequiresDuplicateDetection", false),
    duplicateDetectionHistoryTimeWindowInMs: reader.duration(properties, path, "DuplicateDetectionHistoryTimeWindow", "PT20S", [20_000, 7 * 24 * 60 * 60_000]),
  };
}

function readTimeToLive(reader: Reader, properties: JsonObject, path: string): number {
  const ms = reader.duration(properties, path, "DefaultMessageTimeToLive", "PT1H", [1, Number.POSITIVE_INFINITY]);
  return ms > TEN_YEARS_IN_MS ? Number.POSITIVE_INFINITY : ms;
}

/** Replaces forwarding targets by the declared spelling of the queue or topic they name. */
function resolveForwarding(
  reader: Reader,
  properties: ReceivableEntityProperties,
  path: string,
  entityNames: UniqueNames,
  ownEntity: string,
  ownEntityDescription: string,
): void {
  const resolve = (target: string | undefined, key: string): string | undefined => {
    if (target === undefined) {
      return undefined;
    }
    const declared = entityNames.find(target);
    if (declared === undefined) {
      reader.fail(fieldPath(path, key), `${JSON.stringify(target)} is not a queue or topic of this namespace`);
    }
    if (declared.toLowerCase() === ownEntity.toLowerCase()) {
      reader.fail(fieldPath(path, key), `must not forward to ${ownEntityDescription}`);
    }
    return declared;
  };
  properties.forwardTo = resolve(properties.forwardTo, "ForwardTo");
  properties.forwardDeadLetteredMessagesTo = resolve(properties.forwardDeadLetteredMessagesTo, "ForwardDeadLetteredMessagesTo");
}

/** Names unique case-insensitively, remembering where each was declared. */
class UniqueNames {
  private readonly declared = new Map<string, { name: string; path: string }>();

  constructor(readonly kind: string) {}

  /** Records `name`; returns the path of an earlier declaration of the same name, if any. */
  add(name: string, path: string): string | undefined {
    const existing = this.declared.get(name.toLowerCase());
    if (existing === undefined) {
      this.declared.set(name.toLowerCase(), { name, path });
    }
    return existing?.path;
  }

  /** Returns the declared spelling of `name`, if declared. */
  find(name: string): string | undefined {
    return this.declared.get(name.toLowerCase())?.name;
  }
}

/** Reads typed values out of parsed JSON, failing with errors that name the field path. */
class Reader {
  constructor(private readonly source: string) {}

  fail(field: string, problem: string): never {
    throw new EmulatorConfigError(this.source, field, problem);
  }

  /** Checks that `value` is an object whose keys are all in `knownKeys` (any keys if undefined). */
  object(value: unknown, path: string, knownKeys: readonly string[] | undefined): JsonObject {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(path, `must be an object, got ${describe(value)}`);
    }
    const object = value as JsonObject;
    const unknownKey = knownKeys && Object.keys(object).find((key) => !knownKeys.includes(key));
    if (knownKeys && unknownKey !== undefined) {
      const suggestion = closestKey(unknownKey, knownKeys);
      const hint = suggestion === undefined ? `known keys are ${knownKeys.join(", ")}` : `did you mean ${suggestion}?`;
      this.fail(fieldPath(path, unknownKey), `unknown key ${JSON.stringify(unknownKey)}; ${hint}`);
    }
    return object;
  }

  optionalObject(parent: JsonObject, path: string, key: string, knownKeys: readonly string[] | undefined): JsonObject {
    const value = parent[key];
    return value === undefined ? {} : this.object(value, fieldPath(path, key), knownKeys);
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) {
      this.fail(path, `must be an array, got ${describe(value)}`);
    }
    return value as unknown[];
  }

  optionalArray(parent: JsonObject, path: string, key: string): unknown[] {
    const value = parent[key];
    return value === undefined ? [] : this.array(value, fieldPath(path, key));
  }

  required(parent: JsonObject, path: string, key: string): unknown {
    const value = parent[key];
    if (value === undefined) {
      this.fail(fieldPath(path, key), "is required");
    }
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== "string") {
      this.fail(path, `must be a string, got ${describe(value)}`);
    }
    return value;
  }

  nonEmptyString(value: unknown, path: string): string {
    const text = this.string(value, path);
    if (text.trim() === "") {
      this.fail(path, "must not be empty");
    }
    return text;
  }

  /** Returns the allowed value `value` names, optionally ignoring case. */
  oneOf(value: unknown, path: string, allowed: readonly string[], ignoreCase = false): string {
    const text = this.string(value, path);
    const match = allowed.find((option) => (ignoreCase ? option.toLowerCase() === text.toLowerCase() : option === text));
    if (match === undefined) {
      this.fail(path, `must be one of ${allowed.map((option) => JSON.stringify(option)).join(", ")}, got ${JSON.stringify(text)}`);
    }
    return match;
  }

  boolean(parent: JsonObject, path: string, key: string, fallback: boolean): boolean {
    const value = parent[key] === undefined ? fallback : parent[key];
    if (typeof value !== "boolean") {
      this.fail(fieldPath(path, key), `must be true or false, got ${describe(value)}`);
    }
    return value;
  }

  integer(parent: JsonObject, path: string, key: string, fallback: number, [min, max]: [number, number]): number {
    const value = parent[key] === undefined ? fallback : parent[key];
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.fail(fieldPath(path, key), `must be an integer, got ${describe(value)}`);
    }
    if (value < min || value > max) {
      this.fail(fieldPath(path, key), `must be between ${min} and ${max}, got ${value}`);
    }
    return value;
  }

  /** Reads an ISO-8601 duration in milliseconds, within `[min, max]` milliseconds. */
  duration(parent: JsonObject, path: string, key: string, fallback: string, [min, max]: [number, number]): number {
    const text = parent[key] === undefined ? fallback : parent[key];
    const field = fieldPath(path, key);
    if (typeof text !== "string") {
      this.fail(field, `must be an ISO-8601 duration string such as "PT1M", got ${describe(text)}`);
    }
    let ms: number;
    try {
      ms = parseIsoDurationInMs(text);
    } catch (error) {
      this.fail(field, errorMessage(error));
    }
    if (ms < min || ms > max) {
      const range =
        min === 1 && max === Number.POSITIVE_INFINITY ? "must be longer than zero" : `must be between ${formatIsoDuration(min)} and ${formatIsoDuration(max)}`;
      this.fail(field, `${range}, got ${JSON.stringify(text)}`);
    }
    return ms;
  }

  /** Reads a forwarding target; the empty string means "none". Existence is checked later. */
  forwardTarget(parent: JsonObject, path: string, key: string): string | undefined {
    const value = parent[key];
    const target = value === undefined ? "" : this.string(value, fieldPath(path, key));
    return target === "" ? undefined : target;
  }
}

/** Appends `key` to a JSON path, using bracket notation for keys that are not plain identifiers. */
function fieldPath(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) {
    return `${path}[${JSON.stringify(key)}]`;
  }
  return path === ROOT_FIELD ? key : `${path}.${key}`;
}

/** The known key closest to `key` (ignoring case) within edit distance 2, if any. */
function closestKey(key: string, knownKeys: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const known of knownKeys) {
    const distance = editDistance(key.toLowerCase(), known.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) {
      best = { key: known, distance };
    }
  }
  return best?.key;
}

/** Levenshtein distance between `a` and `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function describe(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  return typeof value === "object" ? "an object" : (JSON.stringify(value) ?? typeof value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
