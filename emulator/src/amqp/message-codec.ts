/**
 * Encoding and decoding of AMQP messages at the section level. Incoming messages are split into their
 * encoded sections and stored as they came, so every field keeps its exact AMQP type; outgoing deliveries
 * are the stored sections, with the broker's delivery-count and time to live in the client's header and the
 * broker's message annotations added. Delivery annotations are for one hop and are not kept.
 */
import { randomUUID } from "node:crypto";
import rhea from "rhea";
import type { Typed } from "rhea";
import type { BrokerMessage, IncomingMessage, MessageContent } from "../broker/broker-message.js";
import { MESSAGE_STATE_CODES } from "../broker/broker-message.js";
import { createReader, encodeTyped, typedMap } from "./amqp-types.js";
import type { AmqpReader } from "./amqp-types.js";

const { types, message: messageUtil } = rhea;

const SECTION = {
  header: 0x70,
  deliveryAnnotations: 0x71,
  messageAnnotations: 0x72,
  properties: 0x73,
  applicationProperties: 0x74,
  data: 0x75,
  sequence: 0x76,
  value: 0x77,
  footer: 0x78,
} as const;

/** The message format of a batch: several `data` sections, each a complete encoded message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

/** Annotations the broker owns; a client's values for them are dropped. */
const BROKER_ANNOTATIONS = new Set([
  "x-opt-sequence-number",
  "x-opt-enqueued-time",
  "x-opt-locked-until",
  "x-opt-message-state",
  "x-opt-deadletter-source",
  "x-opt-enqueue-sequence-number",
]);

interface DecodedHeader {
  ttl?: number;
}

interface DecodedProperties {
  message_id?: unknown;
  group_id?: string;
  [field: string]: unknown;
}

const EMPTY: Buffer = Buffer.alloc(0);

function sectionCode(section: Typed): number | undefined {
  const descriptor = (section as Typed & { descriptor?: Typed }).descriptor;
  if (!descriptor) return undefined;
  const value: unknown = descriptor.value;
  if (typeof value === "number") return value;
  if (Buffer.isBuffer(value)) return Number(value.readBigUInt64BE(0));
  return undefined;
}

/**
 * Reads one section. rhea throws its own error types on unknown type codes, Node's RangeError on truncated
 * input, and does not check declared lengths at all: every such case becomes a plain TypeError here.
 */
function readSection(reader: AmqpReader, length: number): Typed {
  let section: Typed;
  try {
    section = reader.read();
  } catch (error) {
    throw new TypeError(`The bytes are not a valid AMQP message (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (reader.position > length) {
    throw new TypeError("The bytes are not a valid AMQP message: a section runs past the end of the message.");
  }
  return section;
}

function messageIdText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Buffer.isBuffer(value)) return value.toString("hex");
  return String(value);
}

/**
 * Splits one encoded message into its sections.
 * @throws TypeError when the bytes are not an AMQP message.
 */
export function decodeIncomingMessage(encoded: Buffer): IncomingMessage {
  const reader = createReader(encoded);
  let header: Buffer = EMPTY;
  let footer: Buffer = EMPTY;
  let messageAnnotations: Buffer = EMPTY;
  let properties: Buffer = EMPTY;
  let applicationProperties: Buffer = EMPTY;
  const bodyParts: Buffer[] = [];
  while (reader.remaining() > 0) {
    const start = reader.position;
    const section = readSection(reader, encoded.length);
    const bytes = encoded.subarray(start, reader.position);
    switch (sectionCode(section)) {
      case SECTION.header:
        header = bytes;
        break;
      case SECTION.messageAnnotations:
        messageAnnotations = bytes;
        break;
      case SECTION.properties:
        properties = bytes;
        break;
      case SECTION.applicationProperties:
        applicationProperties = bytes;
        break;
      case SECTION.data:
      case SECTION.sequence:
      case SECTION.value:
        bodyParts.push(bytes);
        break;
      case SECTION.footer:
        footer = bytes;
        break;
      case SECTION.deliveryAnnotations:
        break;
      default:
        throw new TypeError("The message holds a section that is not an AMQP message section.");
    }
  }
  const decodedHeader = header.length > 0 ? (messageUtil.decode(header) as DecodedHeader) : {};
  let decodedProperties = properties.length > 0 ? (messageUtil.decode(properties) as DecodedProperties) : {};
  if (decodedProperties.message_id === undefined || decodedProperties.message_id === null) {
    // Service Bus gives every message an id; the SDK's lock renewer needs one on received messages.
    decodedProperties = { ...pickProperties(decodedProperties), message_id: randomUUID().replace(/-/g, "") };
    properties = encodeTyped([propertiesSection(decodedProperties)]);
  }
  const annotations = decodeAnnotations(messageAnnotations);
  const scheduled = annotations.get("x-opt-scheduled-enqueue-time");
  const content: MessageContent = {
    header: Buffer.from(header),
    messageAnnotations: Buffer.from(messageAnnotations),
    properties: Buffer.from(properties),
    applicationProperties: Buffer.from(applicationProperties),
    body: Buffer.concat(bodyParts),
    footer: Buffer.from(footer),
  };
  return {
    content,
    messageId: messageIdText(decodedProperties.message_id),
    sessionId: decodedProperties.group_id ?? undefined,
    partitionKey: typeof annotations.get("x-opt-partition-key") === "string" ? (annotations.get("x-opt-partition-key") as string) : undefined,
    timeToLiveInMs: typeof decodedHeader.ttl === "number" ? decodedHeader.ttl : undefined,
    scheduledEnqueueTimeMs: scheduled instanceof Date ? scheduled.getTime() : undefined,
    sizeInBytes: encoded.length,
  };
}

const PROPERTY_FIELDS = [
  "message_id",
  "user_id",
  "to",
  "subject",
  "reply_to",
  "correlation_id",
  "content_type",
  "content_encoding",
  "absolute_expiry_time",
  "creation_time",
  "group_id",
  "group_sequence",
  "reply_to_group_id",
] as const;

export function pickProperties(decoded: object): Record<string, unknown> {
  const source = decoded as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const field of PROPERTY_FIELDS) if (source[field] !== undefined) picked[field] = source[field];
  return picked;
}

export function propertiesSection(fields: Record<string, unknown>): Typed {
  const factory = messageUtil as unknown as { properties(fields: Record<string, unknown>): { described(): Typed } };
  return factory.properties(fields).described();
}

/** Splits a batch transfer (format 0x80013700) into the encoded messages it carries. */
export function decodeBatch(encoded: Buffer): Buffer[] {
  const reader = createReader(encoded);
  const messages: Buffer[] = [];
  while (reader.remaining() > 0) {
    const section = readSection(reader, encoded.length);
    if (sectionCode(section) === SECTION.data) {
      messages.push(Buffer.from(section.value as Buffer));
    }
  }
  return messages;
}

function decodeAnnotations(section: Buffer): Map<string, unknown> {
  const result = new Map<string, unknown>();
  if (section.length === 0) return result;
  const decoded = messageUtil.decode(section) as { message_annotations?: Record<string, unknown> };
  for (const [key, value] of Object.entries(decoded.message_annotations ?? {})) result.set(key, value);
  return result;
}

/** The raw key/value pairs of an encoded map section, types preserved. */
function mapEntries(section: Buffer): Typed[] {
  if (section.length === 0) return [];
  const typed = createReader(section).read();
  return (typed.value as Typed[]) ?? [];
}

function describedMap(code: number, entries: Typed[]): Typed {
  return types.described(types.wrap_ulong(code), typedMap(entries)) as Typed;
}

/** Extra facts of one delivery that are not stored with the message. */
export interface DeliveryFacts {
  lockedUntilMs?: number;
  /** Leave the body sections out (a peek with `omit-message-body`). */
  omitBody?: boolean;
}

/** The header fields a client sent, by position (durable, priority, ttl, first-acquirer, delivery-count); null when absent. */
function sentHeaderFields(section: Buffer): Array<Typed | null> {
  if (section.length === 0) return [];
  const fields = createReader(section).read().value as Array<Typed | null> | undefined;
  return Array.isArray(fields) ? fields : [];
}

const isPresent = (field: Typed | null | undefined): field is Typed =>
  field !== null && field !== undefined && field.value !== null && field.value !== undefined;

/**
 * The header of a delivery: the client's durable, priority and first-acquirer (durable and priority 4 when it
 * sent none), with the time to live and delivery-count the broker keeps. Built directly, because rhea omits a
 * header whose fields all have default values and delivery-count must always be sent.
 */
function deliveryHeader(message: BrokerMessage): Typed {
  const [durable, priority, , firstAcquirer] = sentHeaderFields(message.content.header);
  const ttl = Number.isFinite(message.timeToLiveInMs) ? Math.min(message.timeToLiveInMs, 0xffffffff) : undefined;
  return types.described(
    types.wrap_ulong(SECTION.header),
    types.wrap_list([
      isPresent(durable) ? durable : types.wrap_boolean(true),
      isPresent(priority) ? priority : types.wrap_ubyte(4),
      ttl === undefined ? null : types.wrap_uint(ttl),
      isPresent(firstAcquirer) ? firstAcquirer : types.wrap_boolean(false),
      types.wrap_uint(message.deliveryCount),
    ]),
  ) as Typed;
}

/** The complete encoded message for a delivery, a peek or a management receive. */
export function encodeStoredMessage(message: BrokerMessage, facts: DeliveryFacts = {}): Buffer {
  const header = deliveryHeader(message);

  const clientEntries = mapEntries(message.content.messageAnnotations);
  const entries: Typed[] = [];
  for (let index = 0; index + 1 < clientEntries.length; index += 2) {
    const key = clientEntries[index] as Typed;
    if (!BROKER_ANNOTATIONS.has(String(key.value))) {
      entries.push(key, clientEntries[index + 1] as Typed);
    }
  }
  const brokerAnnotation = (name: string, value: Typed): void => {
    entries.push(types.wrap_symbol(name), value);
  };
  brokerAnnotation("x-opt-sequence-number", types.wrap_long(message.sequenceNumber));
  brokerAnnotation("x-opt-enqueued-time", types.wrap_timestamp(message.enqueuedTimeMs));
  brokerAnnotation("x-opt-message-state", types.wrap_int(MESSAGE_STATE_CODES[message.state]));
  if (facts.lockedUntilMs !== undefined) {
    brokerAnnotation("x-opt-locked-until", types.wrap_timestamp(facts.lockedUntilMs));
  }
  if (message.deadLetterSource !== undefined) {
    brokerAnnotation("x-opt-deadletter-source", types.wrap_string(message.deadLetterSource));
  }
  return Buffer.concat([
    encodeTyped([header, describedMap(SECTION.messageAnnotations, entries)]),
    message.content.properties,
    message.content.applicationProperties,
    facts.omitBody ? EMPTY : message.content.body,
    message.content.footer,
  ]);
}

/**
 * Merges properties into an encoded application-properties section: existing keys are replaced, new ones
 * appended, other entries keep their exact encoding.
 */
export function mergeApplicationProperties(section: Buffer, patch: Readonly<Record<string, unknown>>): Buffer {
  const patchKeys = new Set(Object.keys(patch));
  if (patchKeys.size === 0) return section;
  const existing = mapEntries(section);
  const entries: Typed[] = [];
  for (let index = 0; index + 1 < existing.length; index += 2) {
    const key = existing[index] as Typed;
    if (!patchKeys.has(String(key.value))) entries.push(key, existing[index + 1] as Typed);
  }
  for (const [key, value] of Object.entries(patch)) {
    entries.push(types.wrap_string(key), types.wrap(value) as Typed);
  }
  return encodeTyped([describedMap(SECTION.applicationProperties, entries)]);
}

/**
 * Rewrites `absolute-expiry-time` to `creation-time + timeToLiveInMs` when the properties section has both.
 * The SDK computes a received message's time to live from those two, so when the entity shortens a
 * message's time to live the properties must say so too.
 */
export function capAbsoluteExpiryTime(section: Buffer, timeToLiveInMs: number): Buffer {
  if (section.length === 0 || !Number.isFinite(timeToLiveInMs)) return section;
  const decoded = messageUtil.decode(section) as DecodedProperties;
  const creation = decoded.creation_time;
  if (!(creation instanceof Date) || !(decoded.absolute_expiry_time instanceof Date)) return section;
  const fields = pickProperties(decoded);
  fields.absolute_expiry_time = new Date(creation.getTime() + timeToLiveInMs);
  return encodeTyped([propertiesSection(fields)]);
}
