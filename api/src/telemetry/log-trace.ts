/** The trace of the request a log line is written in, as fields of the line (pino's mixin). */
import { context, trace } from "@opentelemetry/api";

/** Fields pino adds to every line written inside a traced request: its trace and span ids. */
export function traceLogFields(): Record<string, string> {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {};
}
