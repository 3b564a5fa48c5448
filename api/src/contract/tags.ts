/** The tags that group operations in the OpenAPI document and the connector, with their descriptions. */

/** Tag name -> description. Documents list the tags in the order their operations first appear. */
export const TAGS = {
  Send: "Send messages to a queue or topic, one at a time or in batches, now or scheduled, and cancel scheduled messages.",
  Events: "Send typed business events built from their data, and read the catalog of event types.",
  Queues: "Peek, receive, settle and resubmit the messages of a queue (its dead-letter sub-queue and sessions too), and trigger flows when messages arrive.",
  Subscriptions:
    "Peek, receive, settle and resubmit the messages of a topic subscription (its dead-letter sub-queue and sessions too), and trigger flows when messages arrive.",
  Discovery: "List the queues, topics and subscriptions the API key may use; the connector's dropdowns come from these.",
  Management: "Create and delete topic subscriptions (scope manage).",
} as const;

/** A tag name. */
export type Tag = keyof typeof TAGS;

/** The tag objects of a document: each tag the operations use, once, in order of first use. */
export function tagObjects(operations: ReadonlyArray<{ tags: readonly Tag[] }>): Array<{ name: Tag; description: string }> {
  return [...new Set(operations.flatMap((operation) => operation.tags))].map((name) => ({ name, description: TAGS[name] }));
}
