/** The API as a library: build the app, the Service Bus gateway, and the OpenAPI document. */

// Application
export { createApp } from "./app.js";
export type { AppDeps } from "./app.js";
export { createApiServer } from "./http/http-server.js";

// Service Bus
export { createServiceBusGateway } from "./servicebus/service-bus-gateway.js";
export { HTTP_CALLER_CLIENT_OPTIONS, createServiceBusClients } from "./servicebus/service-bus-clients.js";
export type { ServiceBusClients, ServiceBusClientsTarget } from "./servicebus/service-bus-clients.js";
export type { ServiceBusGatewayOptions } from "./servicebus/service-bus-gateway.js";
export type { MessagingPort } from "./servicebus/messaging-port.js";
export type { Entity, QueueEntity, ReceivableEntity, SendableEntity, SubQueue, SubscriptionEntity, TopicEntity } from "./contract/entity.js";

// Session calls routed between instances over the control queue
export { KEEP_RENEWING_FOR_IN_MS } from "./servicebus/lock-renewal.js";
export { RouteClient } from "./routing/route-client.js";
export { RouteServer } from "./routing/route-server.js";
export type { RouteHandler } from "./routing/route-server.js";
export { isRouteHeld } from "./routing/route-probe.js";
export { routeSessionId } from "./routing/route-session-id.js";
export type { JsonValue } from "./routing/route-messages.js";
export { createRoutedMessaging } from "./routing/routed-messaging.js";
export type { RoutedMessaging, RoutedMessagingOptions } from "./routing/routed-messaging.js";

// Webhook triggers (subscriptions on the control queue, deliveries, the callback guard)
export { CALLBACK_KEY_BYTES, CallbackSeal } from "./webhooks/callback-seal.js";
export { callbackUrlCheck, guardedPush } from "./webhooks/guarded-push.js";
export { WebhookDispatcher } from "./webhooks/webhook-dispatcher.js";
export { WebhookRegistry } from "./webhooks/webhook-registry.js";
export { WebhookSubscriptions } from "./webhooks/webhook-subscriptions.js";
export { flaggedIfUnexpected, withTypedEvent } from "./events/typed-messages.js";

// Contract and documents
export { OPERATIONS } from "./contract/registry.js";
export type {
  AnyOperation,
  ConnectorHints,
  DynamicSchemaHint,
  DynamicValuesHint,
  OperationDefinition,
  ParameterHint,
  PropertyHint,
  ResponseHeader,
  Visibility,
} from "./contract/operation.js";
export { requestParameters } from "./contract/request-parameters.js";
export type { RequestParameter } from "./contract/request-parameters.js";
export { tagObjects } from "./contract/tags.js";
export { MessageList, OutgoingMessage, ReceivedMessage } from "./contract/schemas/message.js";
export { API_KEY_HEADER, buildOpenApiDocument } from "./openapi/build-document.js";
export { RETRY_AFTER_DESCRIPTION, problemResponses } from "./openapi/problem-responses.js";

// Configuration and auth
export { DEMO_EVENT_CATALOG_DIR, loadConfig } from "./config/load-config.js";
export type { AppConfig } from "./config/load-config.js";
export { hashApiKey } from "./auth/api-keys.js";
export type { ApiKeyRecord } from "./auth/api-keys.js";

// Business events
export { loadEventCatalog } from "./events/event-catalog.js";
export type { EventCatalog } from "./events/event-catalog.js";

// Logging
export { createLogger, silentLogger } from "./logger.js";
export type { ApiLogger } from "./logger.js";

// JSON Schema (ajv with the project's formats and options)
export { createAjv, fieldErrors } from "./json-schema/ajv.js";
export type { JsonSchemaOptions } from "./json-schema/ajv.js";

// Errors
export { PROBLEMS } from "./problems/codes.js";
export type { ProblemCode } from "./problems/codes.js";
export { ProblemError } from "./problems/problem-error.js";
