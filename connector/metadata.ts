/**
 * The connector's identity: title, description, publisher, links, brand colour and host. Change these
 * here (never in the generated root files), then run `npm run connector:build`.
 */

/** `info.title`: at most 30 characters, without "API" or "Connector". */
export const CONNECTOR_TITLE = "Service Bus Bridge";

/** `info.description`: 30 to 500 characters. */
export const CONNECTOR_DESCRIPTION =
  "Send, peek, receive and settle Azure Service Bus messages from your flows as readable JSON, with dropdowns for " +
  "queues, topics and subscriptions, peek-lock settlement and dead-letter handling. Connects to a Service Bus Bridge " +
  "service that your organization hosts.";

/**
 * Placeholder host for `host`: the real one is the connection's "API base URL", applied per connection by
 * the `dynamichosturl` policy (see api-properties.ts).
 */
export const PLACEHOLDER_HOST = "service-bus-bridge.example.com";

/** `x-ms-connector-metadata`: replace the example.com links with your organization's pages. */
export const CONNECTOR_LINKS = {
  website: "https://service-bus-bridge.example.com",
  privacyPolicy: "https://service-bus-bridge.example.com/privacy",
  /** At most two of the documented categories, separated by semicolons. */
  categories: "IT Operations;Data",
};

/** `info.contact`. */
export const CONNECTOR_CONTACT = {
  name: "Service Bus Bridge maintainers",
  url: "https://service-bus-bridge.example.com/support",
  email: "support@service-bus-bridge.example.com",
};

/** `publisher` in apiProperties.json. */
export const CONNECTOR_PUBLISHER = "Service Bus Bridge maintainers";

/** `iconBrandColor`: the background of connector/icon.png (not white, not the default #007ee5). */
export const ICON_BRAND_COLOR = "#0b5a6b";
