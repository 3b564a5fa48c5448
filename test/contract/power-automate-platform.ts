/**
 * A small stand-in for the Power Automate runtime, driven only by the committed connector files: it
 * builds each request as the platform does from apiDefinition.swagger.json and apiProperties.json
 * (host from the dynamichosturl policy and the connection's parameters, the API key header from the
 * security definition, path / query / header / body parameters with x-ms-url-encoding, defaults of
 * internal parameters, its own flow-run headers on every call), resolves dropdowns
 * (x-ms-dynamic-values) and typed schemas (x-ms-dynamic-schema), and polls triggers by following
 * `Location` until a 200. Every 2xx body is checked against the response schema of the definition.
 * Webhook triggers: it subscribes with the flow's callback URL in the body property marked
 * x-ms-notification-url, checks pushed messages against x-ms-notification-content, and unsubscribes with a
 * DELETE on the subscribe answer's `Location`, without the API key (as the platform may).
 */
import ajvDraft04Module from "ajv-draft-04";
import type { JsonSchema } from "../../connector/schema.js";
import { isObject } from "../../connector/schema.js";
import { notificationSchemaOf, operationsOf, parametersOf, responsesOf, triggerKindOf } from "../../connector/validate/walk.js";

/** The values a maker enters when creating a connection, by connection parameter name. */
export type ConnectionValues = Record<string, string>;

/** What a maker fills in for an action: parameter name -> value; `body` is the body parameter. */
export type ActionInputs = Record<string, unknown>;

/** One HTTP exchange. */
export interface PlatformResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** The flow-run headers the runtime adds to every call (not connector parameters). */
export interface RunContext {
  workflowRunId: string;
  clientTrackingId: string;
}

function get(node: unknown, path: string): unknown {
  if (path === "") return node;
  return path.split("/").reduce<unknown>((current, segment) => (isObject(current) ? current[segment] : undefined), node);
}

/** A connection to the API as the platform holds it. */
export class PowerAutomatePlatform {
  private readonly ajv = new ajvDraft04Module.default({ strict: false, allErrors: true, validateFormats: false });

  constructor(
    readonly apiDefinition: JsonSchema,
    readonly apiProperties: JsonSchema,
    private readonly connection: ConnectionValues,
    private readonly run: RunContext,
  ) {}

  /** The operation with this operationId, with its method and path. */
  operation(operationId: string): { method: string; path: string; operation: JsonSchema } {
    const found = operationsOf(this.apiDefinition).find((entry) => entry.operation["operationId"] === operationId);
    if (!found) throw new Error(`The connector has no operation ${operationId}.`);
    return found;
  }

  /** The base URL the dynamichosturl policy yields for this connection. */
  host(): string {
    const properties = this.apiProperties["properties"] as JsonSchema;
    const policies = (properties["policyTemplateInstances"] as JsonSchema[]) ?? [];
    const policy = policies.find((candidate) => candidate["templateId"] === "dynamichosturl");
    const template = String((policy?.["parameters"] as JsonSchema | undefined)?.["x-ms-apimTemplateParameter.urlTemplate"] ?? "");
    if (!template) throw new Error("No dynamichosturl policy.");
    return template.replace(/@connectionParameters\('([^']+)'\)/g, (_match, name: string) => {
      const value = this.connection[name];
      if (value === undefined) throw new Error(`The connection has no parameter ${name}.`);
      return value;
    });
  }

  /** Headers the security definitions put on every request (API key in its header). */
  private securityHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    const definitions = (this.apiDefinition["securityDefinitions"] ?? {}) as Record<string, JsonSchema>;
    for (const [name, definition] of Object.entries(definitions)) {
      if (definition["type"] === "apiKey" && definition["in"] === "header" && this.connection[name] !== undefined) {
        headers[String(definition["name"])] = this.connection[name] as string;
      }
    }
    return headers;
  }

  /** The URL, headers and body of a call, built from the definition only. */
  buildRequest(operationId: string, inputs: ActionInputs): { method: string; url: string; headers: Record<string, string>; body?: string } {
    const { method, path, operation } = this.operation(operationId);
    const parameters = parametersOf(operation);
    const known = new Set(parameters.map((parameter) => String(parameter["name"])));
    for (const name of Object.keys(inputs)) if (!known.has(name)) throw new Error(`${operationId} has no parameter ${name}: a maker cannot enter it.`);
    let urlPath = path;
    const query = new URLSearchParams();
    const headers: Record<string, string> = {
      ...this.securityHeaders(),
      "x-ms-workflow-run-id": this.run.workflowRunId,
      "x-ms-client-tracking-id": this.run.clientTrackingId,
    };
    let body: string | undefined;
    for (const parameter of parameters) {
      const name = String(parameter["name"]);
      let value = inputs[name];
      // Internal parameters are never shown: the platform sends their default.
      if (value === undefined && parameter["x-ms-visibility"] === "internal") value = parameter["default"];
      if (value === undefined) {
        if (parameter["required"] === true && parameter["default"] === undefined) throw new Error(`${operationId}: required parameter ${name} has no value.`);
        continue;
      }
      switch (parameter["in"]) {
        case "path": {
          let encoded = encodeURIComponent(String(value));
          if (parameter["x-ms-url-encoding"] === "double") encoded = encodeURIComponent(encoded);
          urlPath = urlPath.replace(`{${name}}`, encoded);
          break;
        }
        case "query":
          query.set(name, Array.isArray(value) ? value.join(",") : String(value));
          break;
        case "header":
          headers[name] = String(value);
          break;
        case "body":
          body = JSON.stringify(value);
          headers["Content-Type"] = "application/json";
          break;
        default:
          throw new Error(`${operationId}: parameter ${name} is in ${String(parameter["in"])}, which this stand-in does not support.`);
      }
    }
    const basePath = String(this.apiDefinition["basePath"] ?? "/").replace(/\/$/, "");
    const search = query.toString();
    return {
      method: method.toUpperCase(),
      url: `${this.host()}${basePath}${urlPath}${search ? `?${search}` : ""}`,
      headers,
      ...(body === undefined ? {} : { body }),
    };
  }

  /** Sends a request and checks a 2xx body against the definition's response schema for that status. */
  async send(operationId: string, request: { method: string; url: string; headers: Record<string, string>; body?: string }): Promise<PlatformResponse> {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    const text = await response.text();
    const body: unknown = text.length === 0 ? undefined : /json/.test(response.headers.get("content-type") ?? "") ? JSON.parse(text) : text;
    if (response.status >= 200 && response.status < 300) {
      const declared = responsesOf(this.operation(operationId).operation)[String(response.status)];
      if (!declared) throw new Error(`${operationId} answered ${response.status}, which the definition does not declare.`);
      const schema = declared["schema"];
      if (schema !== undefined) {
        const validate = this.ajv.compile({ definitions: this.apiDefinition["definitions"] ?? {}, allOf: [schema] });
        if (!validate(body)) throw new Error(`${operationId} ${response.status} body does not match the definition: ${this.ajv.errorsText(validate.errors)}`);
      } else if (body !== undefined) {
        throw new Error(`${operationId} answered ${response.status} with a body the definition does not declare.`);
      }
    }
    return { status: response.status, headers: response.headers, body };
  }

  /**
   * Turns a webhook trigger on, as the platform does when a flow is saved: the trigger's own method and path, with
   * the flow's callback URL in the body property marked x-ms-notification-url (which the maker never fills in).
   */
  async subscribeWebhook(operationId: string, inputs: ActionInputs, callbackUrl: string): Promise<PlatformResponse> {
    const entry = this.operationEntry(operationId);
    if (triggerKindOf(entry) !== "webhook") throw new Error(`${operationId} is not a webhook trigger.`);
    const bodyParameter = parametersOf(entry.operation).find((parameter) => parameter["in"] === "body");
    const properties = this.resolved(bodyParameter?.["schema"])["properties"];
    const urlProperty = Object.entries(isObject(properties) ? properties : {}).find(
      ([, schema]) => isObject(schema) && schema["x-ms-notification-url"] === true,
    )?.[0];
    if (bodyParameter === undefined || urlProperty === undefined) throw new Error(`${operationId} has no body property marked x-ms-notification-url.`);
    const name = String(bodyParameter["name"]);
    const body = { ...(isObject(inputs[name]) ? inputs[name] : {}), [urlProperty]: callbackUrl };
    return this.invoke(operationId, { ...inputs, [name]: body });
  }

  /** Checks a message pushed to the callback against the trigger's x-ms-notification-content schema. */
  checkNotification(operationId: string, pushed: unknown): void {
    const schema = notificationSchemaOf(this.operationEntry(operationId));
    if (schema === undefined) throw new Error(`${operationId} has no x-ms-notification-content.`);
    const validate = this.ajv.compile({ definitions: this.apiDefinition["definitions"] ?? {}, allOf: [schema] });
    if (!validate(pushed))
      throw new Error(`A push to ${operationId}'s callback does not match its notification content: ${this.ajv.errorsText(validate.errors)}`);
  }

  /**
   * Turns a webhook trigger off, as the platform does when the flow is turned off, changed or deleted: DELETE on
   * the `Location` the subscribe answered, without the connection's API key. The definition must declare that
   * DELETE (the path template the Location matches).
   */
  async unsubscribeWebhook(location: string): Promise<PlatformResponse> {
    const basePath = String(this.apiDefinition["basePath"] ?? "/").replace(/\/$/, "");
    const path = new URL(location).pathname.slice(basePath.length);
    const declared = operationsOf(this.apiDefinition).find(
      (entry) => entry.method === "delete" && new RegExp(`^${entry.path.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path),
    );
    if (!declared) throw new Error(`The definition declares no DELETE for the subscription's Location ${path}.`);
    const response = await fetch(location, {
      method: "DELETE",
      headers: { "x-ms-workflow-run-id": this.run.workflowRunId, "x-ms-client-tracking-id": this.run.clientTrackingId },
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text.length === 0 ? undefined : text };
  }

  private operationEntry(operationId: string) {
    const entry = operationsOf(this.apiDefinition).find((candidate) => candidate.operation["operationId"] === operationId);
    if (!entry) throw new Error(`The connector has no operation ${operationId}.`);
    return entry;
  }

  /** A schema, with a `$ref` to the definitions followed. */
  private resolved(schema: unknown): JsonSchema {
    if (!isObject(schema)) return {};
    const ref = schema["$ref"];
    if (typeof ref !== "string") return schema;
    return this.resolved(get(this.apiDefinition, ref.replace(/^#\//, "")));
  }

  /** Runs an action. */
  async invoke(operationId: string, inputs: ActionInputs = {}): Promise<PlatformResponse> {
    return this.send(operationId, this.buildRequest(operationId, inputs));
  }

  /** The dropdown of a parameter: what its x-ms-dynamic-values operation returns, as value/title pairs. */
  async dropdown(operationId: string, parameterName: string, inputs: ActionInputs = {}): Promise<Array<{ value: unknown; title: unknown }>> {
    const parameter = parametersOf(this.operation(operationId).operation).find((candidate) => candidate["name"] === parameterName);
    const dynamic = parameter?.["x-ms-dynamic-values"];
    if (!isObject(dynamic)) throw new Error(`${operationId}.${parameterName} has no x-ms-dynamic-values.`);
    const response = await this.invoke(String(dynamic["operationId"]), this.arguments(dynamic["parameters"], inputs));
    if (response.status !== 200) throw new Error(`${String(dynamic["operationId"])} answered ${response.status}.`);
    const items = get(response.body, String(dynamic["value-collection"] ?? ""));
    if (!Array.isArray(items)) throw new Error(`${String(dynamic["operationId"])} has no array at ${String(dynamic["value-collection"])}.`);
    return items.map((item: unknown) => ({ value: get(item, String(dynamic["value-path"])), title: get(item, String(dynamic["value-title"])) }));
  }

  /** The schema an x-ms-dynamic-schema node resolves to for the given inputs. */
  async dynamicSchema(node: JsonSchema, inputs: ActionInputs): Promise<JsonSchema> {
    const dynamic = node["x-ms-dynamic-schema"];
    if (!isObject(dynamic)) throw new Error("No x-ms-dynamic-schema here.");
    const response = await this.invoke(String(dynamic["operationId"]), this.arguments(dynamic["parameters"], inputs));
    if (response.status !== 200) throw new Error(`${String(dynamic["operationId"])} answered ${response.status}.`);
    const schema = get(response.body, String(dynamic["value-path"]));
    if (!isObject(schema)) throw new Error(`No schema at ${String(dynamic["value-path"])}.`);
    return schema;
  }

  private arguments(spec: unknown, inputs: ActionInputs): ActionInputs {
    const result: ActionInputs = {};
    for (const [name, value] of Object.entries(isObject(spec) ? spec : {})) {
      if (isObject(value) && typeof value["parameter"] === "string") {
        if (inputs[value["parameter"]] !== undefined) result[name] = inputs[value["parameter"]];
      } else {
        result[name] = value;
      }
    }
    return result;
  }

  /**
   * One trigger check as the engine runs it: the first request from the definition (or the `Location`
   * of the previous check), then `Location` again while the answer is 202, up to `maxPolls` requests.
   * Returns the items of the 200 (split on: one run each), or none, with the next poll URL.
   */
  async pollTrigger(
    operationId: string,
    inputs: ActionInputs,
    options: { from?: string; maxPolls?: number } = {},
  ): Promise<{ items: unknown[]; next: string; polls: PlatformResponse[] }> {
    const first = this.buildRequest(operationId, inputs);
    let url = options.from ?? first.url;
    const polls: PlatformResponse[] = [];
    for (let poll = 0; poll < (options.maxPolls ?? 1); poll += 1) {
      const response = await this.send(operationId, { ...first, url });
      polls.push(response);
      const location = response.headers.get("location");
      if (!location) throw new Error(`${operationId} answered ${response.status} without Location.`);
      if (response.headers.get("retry-after") === null) throw new Error(`${operationId} answered ${response.status} without Retry-After.`);
      url = location;
      if (response.status === 200) return { items: response.body as unknown[], next: url, polls };
      if (response.status !== 202) throw new Error(`${operationId} answered ${response.status}.`);
    }
    return { items: [], next: url, polls };
  }
}
