/**
 * `createApp(deps)` builds the Express application from its dependencies. It never reads the
 * environment and never listens; `server.ts` does both.
 */
import express from "express";
import type { Express } from "express";
import helmet from "helmet";
import type { ApiKeyRecord } from "./auth/api-keys.js";
import type { EntraIdAuthenticator } from "./auth/entra-id.js";
import type { ExposedEntities } from "./config/exposed-entities.js";
import { OPERATIONS } from "./contract/registry.js";
import { allBindings } from "./handlers/bindings.js";
import { docsRouter } from "./http/docs.js";
import { operationsRouter } from "./http/mount-operations.js";
import { requestContextMiddleware } from "./http/request-context.js";
import { serviceRouter } from "./http/service-routes.js";
import type { ApiLogger } from "./logger.js";
import { buildOpenApiDocument } from "./openapi/build-document.js";
import { errorMiddleware, notFoundMiddleware } from "./http/error-middleware.js";
import type { ManagementPort } from "./servicebus/management-port.js";
import type { MessagingPort } from "./servicebus/messaging-port.js";
import type { EventCatalog } from "./events/event-catalog.js";
import type { Meter } from "@opentelemetry/api";
import { requestTelemetryMiddleware } from "./telemetry/request-telemetry.js";
import type { WebhookSubscriptions } from "./webhooks/webhook-subscriptions.js";

/** What the application needs. */
export interface AppDeps {
  messaging: MessagingPort;
  /** Service Bus's management API; without it lists carry no counts and management operations answer 503. */
  management?: ManagementPort;
  logger: ApiLogger;
  apiKeys: readonly ApiKeyRecord[];
  /** Microsoft Entra ID bearer tokens, accepted besides API keys when set. */
  entraId?: EntraIdAuthenticator;
  entities: ExposedEntities;
  /** The business event contracts (SendEvent, typed events on receive). */
  eventCatalog: EventCatalog;
  /** The `source` of events this API sends; defaults to `service-bus-bridge`. */
  eventSource?: string;
  jsonBodyLimitInBytes?: number;
  /** The API's public base URL, which pins the origin of the polling triggers' next-poll Location. */
  publicBaseUrl?: string;
  /** Version shown in the OpenAPI document. */
  version?: string;
  now?: () => Date;
  newRequestId?: () => string;
  /** Webhook subscriptions (webhooks/); without them the webhook operations answer 503 WebhooksNotConfigured. */
  webhooks?: WebhookSubscriptions;
  /** When telemetry is on: a server span and request metrics per request. */
  telemetryMeter?: Meter;
}

/** The security headers, with a Content Security Policy under which Swagger UI works. */
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI's page and components set inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Swagger UI's icons are data: URIs.
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", "data:"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
}

/** Builds the application. */
export function createApp(deps: AppDeps): Express {
  const now = deps.now ?? (() => new Date());
  const document = buildOpenApiDocument(OPERATIONS, { version: deps.version ?? "0.1.0" });
  const app = express();
  app.disable("x-powered-by");
  // No ETag: responses are operation results (messages, locks, counts) that must never be answered from a
  // cache, and Express would otherwise hash every response body to make one.
  app.set("etag", false);
  if (deps.telemetryMeter) app.use(requestTelemetryMiddleware(deps.telemetryMeter));
  app.use(requestContextMiddleware(deps.logger, deps.newRequestId));
  app.use(securityHeaders());
  app.use(serviceRouter({ document, messaging: deps.messaging }));
  app.use("/docs", docsRouter(document));
  const bindings = allBindings({
    messaging: deps.messaging,
    entities: deps.entities,
    now,
    events: { catalog: deps.eventCatalog, source: deps.eventSource ?? "service-bus-bridge" },
    ...(deps.management ? { management: deps.management } : {}),
    ...(deps.publicBaseUrl === undefined ? {} : { triggers: { publicBaseUrl: deps.publicBaseUrl } }),
    ...(deps.webhooks ? { webhooks: deps.webhooks } : {}),
  });
  // Bodies are read inside each operation's steps, after the API key is checked: never for an anonymous caller.
  app.use(
    operationsRouter({
      bindings,
      apiKeys: deps.apiKeys,
      entities: deps.entities,
      ...(deps.entraId ? { entraId: deps.entraId } : {}),
      ...(deps.jsonBodyLimitInBytes === undefined ? {} : { jsonBodyLimitInBytes: deps.jsonBodyLimitInBytes }),
    }),
  );
  app.use(notFoundMiddleware);
  app.use(errorMiddleware);
  return app;
}
