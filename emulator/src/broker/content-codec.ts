/**
 * What the broker needs to read and change in a message's encoded content. The broker stays free of AMQP
 * encoding; the AMQP layer provides the implementation (amqp/content-codec.ts).
 */
import type { MessageView } from "../filters/sql-filter.js";
import type { MessageContent } from "./broker-message.js";

export interface ContentCodec {
  /** Merges properties into the application properties (abandon, defer, dead-letter reasons). */
  mergeApplicationProperties(section: Buffer, patch: Readonly<Record<string, unknown>>): Buffer;
  /** Makes `absolute-expiry-time` agree with a time to live the entity shortened. */
  capAbsoluteExpiryTime(section: Buffer, timeToLiveInMs: number): Buffer;
  /** The system and application properties that rules filter on. */
  filterView(content: MessageContent): MessageView;
  /** The content after a rule action changed the view (properties and application properties rewritten). */
  applyView(content: MessageContent, before: MessageView, after: MessageView): MessageContent;
}
