/**
 * The Service Bus side of telemetry, around the messaging port: messages sent or scheduled carry the request's
 * trace as their `Diagnostic-Id` application property (a W3C traceparent, which the SDK and Azure Monitor read on
 * the consumer's side; a Diagnostic-Id the caller set is kept), and Service Bus errors are counted by code.
 */
import { context, propagation, trace } from "@opentelemetry/api";
import type { Meter } from "@opentelemetry/api";
import type { OutgoingMessageJson } from "../contract/schemas/message.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";
import { serviceBusCodeOf } from "../servicebus/service-bus-errors.js";

/** The application property of the SDK's trace context. */
export const DIAGNOSTIC_ID = "Diagnostic-Id";

/** The port methods whose second argument is the messages to send, and the one whose second argument is one message. */
const SENDING_METHODS = new Set<PropertyKey>(["sendMessages", "scheduleMessages"]);
const SENDING_ONE = "sendMessage";

/** The active trace as a traceparent, when there is a sampled-or-not valid span. */
export function activeTraceparent(): string | undefined {
  if (!trace.getSpan(context.active())?.spanContext()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier["traceparent"];
}

function withDiagnosticId(messages: readonly OutgoingMessageJson[]): readonly OutgoingMessageJson[] {
  const traceparent = activeTraceparent();
  if (traceparent === undefined) return messages;
  return messages.map((message) =>
    (message.applicationProperties as Record<string, unknown> | undefined)?.[DIAGNOSTIC_ID] !== undefined
      ? message
      : ({ ...message, applicationProperties: { ...message.applicationProperties, [DIAGNOSTIC_ID]: traceparent } } as OutgoingMessageJson),
  );
}

/** The port, with Diagnostic-Id on sent messages and Service Bus errors counted (`bridge.servicebus.errors`). */
export function tracedMessaging(port: MessagingPort, meter: Meter): MessagingPort {
  const errors = meter.createCounter("bridge.servicebus.errors", { description: "Service Bus errors by code and port method" });
  const count = (error: unknown, method: PropertyKey): void => {
    const code = serviceBusCodeOf(error);
    if (code !== undefined) errors.add(1, { "bridge.servicebus.error_code": code, "bridge.servicebus.method": String(method) });
  };
  return new Proxy(port, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (SENDING_METHODS.has(property) && Array.isArray(args[1])) args[1] = withDiagnosticId(args[1] as OutgoingMessageJson[]);
        if (property === SENDING_ONE && args[1] !== undefined) args[1] = withDiagnosticId([args[1] as OutgoingMessageJson])[0];
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            count(error, property);
            throw error;
          });
        }
        return result;
      };
    },
  });
}
