/** The API as a library: build the app, the Service Bus gateway, and the OpenAPI document. */

// Application
export { createApp } from "./app.js";
export type { AppDeps } from "./app.js";
export { createApiServer } from "./http/http-server.js";

// Service Bus
export { createServiceBusGateway } from "./servicebus/service-bus-gateway.js";
export type { ServiceBusGatewayOptions } from "./servicebus/service-bus-gateway.js";
export type { MessagingPort } from "./servicebus/messaging-port.js";
export type { Entity, QueueEntity, ReceivableEntity, SendableEntity, SubQueue, SubscriptionEntity, TopicEntity } from "./contract/entity.js";

// Contract and documents
export { OPERATIONS } from "./contract/registry.js";
export type { AnyOperation, OperationDefinition } from "./contract/operation.js";
export { buildOpenApiDocument } from "./openapi/build-document.js";

// Configuration and auth
export { loadConfig } from "./config/load-config.js";
export type { AppConfig } from "./config/load-config.js";
export { hashApiKey } from "./auth/api-keys.js";
export type { ApiKeyRecord } from "./auth/api-keys.js";

// JSON Schema (ajv with the project's formats and options)
export { createAjv, fieldErrors } from "./json-schema/ajv.js";
export type { JsonSchemaOptions } from "./json-schema/ajv.js";

// Errors
export { PROBLEMS } from "./problems/codes.js";
export type { ProblemCode } from "./problems/codes.js";
export { ProblemError } from "./problems/problem-error.js";
