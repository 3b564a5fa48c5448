/**
 * The Service Bus side of telemetry, around the messaging port: messages sent or scheduled carry the request's
 * trace as their `Diagnostic-Id` application property (a W3C traceparent, which the SDK and Azure Monitor read on
 * the consumer's side; a Diagnostic-Id the caller set is kept), and Service Bus errors are counted by code.
 */
import { context, propagation, trace } from "@opentelemetry/api";
import type { Meter } from "@opentelemetry/api";
import type { OutgoingMessageJson } from "../contract/schemas/message.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";

/** The application property of the SDK's trace context. */
export const DIAGNOSTIC_ID = "Diagnostic-Id";

/** The port methods whose second argument is the messages to send. */
const SENDING_METHODS = new Set<PropertyKey>(["sendMessages", "scheduleMessages"]);

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

/** A Service Bus error's code (ServiceBusError, MessagingError), else undefined. */
function serviceBusCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !["ServiceBusError", "MessagingError"].includes(error.name)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : error.name;
}

/** The port, with Diagnostic-Id on sent messages and Service Bus errors counted (`bridge.servicebus.errors`). */
export function tracedMessaging(port: MessagingPort, meter: Meter): MessagingPort {
  const errors = meter.createCounter("bridge.servicebus.errors", { description: "Service Bus errors by code and port method" });
  const count = (error: unknown, method: PropertyKey): void => {
    const code = serviceBusCode(error);
    if (code !== undefined) errors.add(1, { "bridge.servicebus.error_code": code, "bridge.servicebus.method": String(method) });
  };
  return new Proxy(port, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (SENDING_METHODS.has(property) && Array.isArray(args[1])) args[1] = withDiagnosticId(args[1] as OutgoingMessageJson[]);
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
