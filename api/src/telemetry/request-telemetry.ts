/**
 * One server span per request, continuing the caller's W3C `traceparent`, named by the contract's operation, with
 * the flow run id (`x-ms-workflow-run-id`) as an attribute; and the request metrics (count and duration by
 * operation and status). Never a body, a header value other than the run id, a query string or a key.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Meter } from "@opentelemetry/api";
import type { NextFunction, Request, Response } from "express";
import { OPERATIONS } from "../contract/registry.js";
import { toExpressPath } from "../http/mount-operations.js";
import { INSTRUMENTATION_NAME } from "./start-telemetry.js";

/** The flow run id as a span attribute. */
export const WORKFLOW_RUN_ID_ATTRIBUTE = "bridge.workflow.run_id";
/** The contract operation as a span and metric attribute. */
export const OPERATION_ATTRIBUTE = "bridge.operation";

/** Power Automate's run ids are letters and digits; anything else is not recorded. */
const SAFE_RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `POST /entities/:entity/messages` -> SendMessage. */
function operationIds(): Map<string, string> {
  return new Map(OPERATIONS.map((operation) => [`${operation.method.toUpperCase()} ${toExpressPath(operation.path)}`, operation.operationId]));
}

/** Records every request as a server span and in the request metrics. */
export function requestTelemetryMiddleware(meter: Meter) {
  const tracer = trace.getTracer(INSTRUMENTATION_NAME);
  const requests = meter.createCounter("bridge.requests", { description: "HTTP requests by operation and status" });
  const durations = meter.createHistogram("bridge.request.duration", { description: "HTTP request duration by operation", unit: "ms" });
  const operations = operationIds();
  return (req: Request, res: Response, next: NextFunction): void => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method, "url.path": req.path, "url.scheme": req.protocol } },
      parent,
    );
    const runId = req.get("x-ms-workflow-run-id");
    if (runId !== undefined && SAFE_RUN_ID.test(runId)) span.setAttribute(WORKFLOW_RUN_ID_ATTRIBUTE, runId);
    const active = trace.setSpan(parent, span);
    // Body parsing and response events run from the socket's callbacks: keep them in this request's context.
    context.bind(active, req);
    context.bind(active, res);
    const started = performance.now();
    let ended = false;
    const end = (aborted: boolean): void => {
      if (ended) return;
      ended = true;
      const route = typeof req.route?.path === "string" ? req.baseUrl + req.route.path : undefined;
      const operation = route === undefined ? "unmatched" : (operations.get(`${req.method} ${route}`) ?? route);
      const status = res.statusCode;
      span.updateName(route === undefined ? req.method : `${req.method} ${route}`);
      span.setAttributes({ [OPERATION_ATTRIBUTE]: operation, "http.response.status_code": status, ...(route === undefined ? {} : { "http.route": route }) });
      const requestId = (res.locals["requestContext"] as { requestId?: string } | undefined)?.requestId;
      if (requestId !== undefined) span.setAttribute("bridge.request_id", requestId);
      if (aborted) span.setStatus({ code: SpanStatusCode.ERROR, message: "the client closed the connection" });
      else if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      const attributes = { [OPERATION_ATTRIBUTE]: operation, "http.response.status_code": status };
      requests.add(1, attributes);
      durations.record(performance.now() - started, attributes);
    };
    res.once("finish", () => end(false));
    res.once("close", () => end(!res.writableFinished));
    context.with(active, next);
  };
}
