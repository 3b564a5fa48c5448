/** Unauthenticated service routes: liveness, readiness, the OpenAPI document, problem types. */
import { Router } from "express";
import type { OpenAPIV3 } from "openapi-types";
import { documentTextRenderer } from "../openapi/served-document.js";
import { requestOrigin } from "./request-origin.js";
import { isProblemCode, problemDefinition } from "../problems/codes.js";
import { ProblemError } from "../problems/problem-error.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";
import { requestContextOf } from "./request-context.js";

/** Options of {@link serviceRouter}. */
export interface ServiceRouterOptions {
  document: OpenAPIV3.Document;
  messaging: MessagingPort;
  readinessTimeoutInMs?: number;
}

/** `/healthz`, `/readyz`, `/openapi.json` and `/problems/{code}`. */
export function serviceRouter({ document, messaging, readinessTimeoutInMs = 5_000 }: ServiceRouterOptions): Router {
  const router = Router();
  const documentText = documentTextRenderer(document);
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    try {
      await messaging.checkReadiness(readinessTimeoutInMs);
    } catch (error) {
      requestContextOf(res).log.warn({ err: error }, "readiness check failed");
      throw new ProblemError("ServiceCommunicationProblem", { detail: "Service Bus is not reachable from the API.", cause: error });
    }
    res.json({ status: "ready" });
  });
  // `servers` is the origin the request came to (Swagger UI at /docs keeps its own copy without servers,
  // so it calls the origin its page came from).
  router.get("/openapi.json", (req, res) => {
    res.type("application/json").send(documentText(requestOrigin(req.protocol, req.get("host"))));
  });
  router.get("/problems/:code", (req, res) => {
    const code = req.params.code;
    if (!isProblemCode(code)) throw new ProblemError("RouteNotFound");
    const definition = problemDefinition(code);
    res.json({ code, status: definition.status, title: definition.title, detail: definition.detail });
  });
  return router;
}
