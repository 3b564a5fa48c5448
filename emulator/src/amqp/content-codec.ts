/** The AMQP implementation of the broker's ContentCodec. */
import rhea from "rhea";
import type { ContentCodec } from "../broker/content-codec.js";
import type { MessageContent } from "../broker/broker-message.js";
import type { MessageView } from "../filters/sql-filter.js";
import { encodeTyped } from "./amqp-types.js";
import { capAbsoluteExpiryTime, mergeApplicationProperties, propertiesSection, pickProperties } from "./message-codec.js";

const { message: messageUtil, types } = rhea;

/** SQL system property name -> AMQP properties field, for the properties rules may read and set. */
const SYSTEM_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ["MessageId", "message_id"],
  ["CorrelationId", "correlation_id"],
  ["To", "to"],
  ["ReplyTo", "reply_to"],
  ["Label", "subject"],
  ["Subject", "subject"],
  ["SessionId", "group_id"],
  ["ReplyToSessionId", "reply_to_group_id"],
  ["ContentType", "content_type"],
];

function decodeSection(section: Buffer): Record<string, unknown> {
  return section.length > 0 ? (messageUtil.decode(section) as unknown as Record<string, unknown>) : {};
}

function filterView(content: MessageContent): MessageView {
  const properties = decodeSection(content.properties);
  const system: Record<string, unknown> = {};
  for (const [name, field] of SYSTEM_FIELDS) {
    const value = properties[field];
    if (value !== undefined && value !== null) system[name] = Buffer.isBuffer(value) ? value.toString("hex") : value;
  }
  const applicationProperties = decodeSection(content.applicationProperties).application_properties;
  return { system, user: { ...((applicationProperties as Record<string, unknown> | undefined) ?? {}) } };
}

function applyView(content: MessageContent, before: MessageView, after: MessageView): MessageContent {
  const fields = pickProperties(decodeSection(content.properties));
  let propertiesChanged = false;
  for (const [name, field] of SYSTEM_FIELDS) {
    if (after.system[name] !== before.system[name]) {
      fields[field] = after.system[name] ?? undefined;
      propertiesChanged = true;
    }
  }
  const applicationProperties = encodeTyped([types.described(types.wrap_ulong(0x74), types.wrap_map(after.user)) as never]);
  return {
    ...content,
    properties: propertiesChanged ? encodeTyped([propertiesSection(fields)]) : content.properties,
    applicationProperties,
  };
}

export const amqpContentCodec: ContentCodec = {
  mergeApplicationProperties,
  capAbsoluteExpiryTime,
  filterView,
  applyView,
};
