/** A business event type of the catalog: its contract (JSON Schema of `data`) and how messages are built. */

/** JSON Schema of an event's `data`, as the admin wrote it. */
export type DataSchema = Record<string, unknown>;

/** One version of one event type. */
export interface EventTypeDefinition {
  /** PascalCase name, such as `OrderSubmitted`; also the `eventType` application property. */
  readonly eventType: string;
  /** A positive integer; several versions of a type may live side by side. */
  readonly schemaVersion: number;
  readonly title: string;
  readonly description: string;
  /** Builds the stable message id from business fields, such as `order-{orderId}-submit-v1`. */
  readonly messageIdTemplate: string;
  /** Builds the session id (ordering per business object), such as `{caseId}`; optional. */
  readonly sessionIdTemplate: string | undefined;
  /** Queues and topics this event may be sent to (configured spelling). */
  readonly entities: readonly string[];
  /** Field names that look like secrets but are not, for this event type (e.g. `tokenCount`). */
  readonly allowedSensitiveFields: readonly string[];
  readonly dataSchema: DataSchema;
  /** The file it came from, for error messages. */
  readonly source: string;
}
