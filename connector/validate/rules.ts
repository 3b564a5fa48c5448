/**
 * The Power Platform certification rules that can be checked mechanically (reference/connector.md
 * §2.5, DESIGN.md §4), as code. Each rule returns its violations; an empty list means it passes.
 * Microsoft's own validator is online only (`paconn validate`), so these run offline in `npm test`.
 */
import { isObject } from "../schema.js";
import type { JsonSchema } from "../schema.js";
import { operationsOf, parametersOf, propertiesOf, resolveRef, responsesOf, schemaRootsOf } from "./walk.js";

/** The two generated files, parsed. */
export interface ConnectorFiles {
  apiDefinition: JsonSchema;
  apiProperties: JsonSchema;
}

/** One mechanical certification rule. */
export interface ConnectorRule {
  /** Stable id, used as the test name. */
  id: string;
  /** What the rule demands, with the validator's error name where there is one. */
  description: string;
  check(files: ConnectorFiles): string[];
}

/** The MIME types the platform accepts (`MimeTypeNotValid`). */
const SUPPORTED_MIME_TYPES = new Set(["application/json", "text/plain", "multipart/form-data", "application/x-www-form-urlencoded"]);

/** The categories `x-ms-connector-metadata` may name. */
const CATEGORIES = new Set([
  "AI",
  "Business Management",
  "Business Intelligence",
  "Collaboration",
  "Commerce",
  "Communication",
  "Content and Files",
  "Finance",
  "Data",
  "Human Resources",
  "Internet of Things",
  "IT Operations",
  "Lifestyle and Entertainment",
  "Marketing",
  "Productivity",
  "Sales and CRM",
  "Security",
  "Social Media",
  "Website",
]);

/** Capitalized words a sentence-case summary may contain after its first word. */
const PROPER_WORDS = new Set(["Service", "Bus", "Azure", "Microsoft", "Entra", "ID", "JSON", "UTC", "URL", "API"]);

const VISIBILITIES = new Set(["important", "advanced", "internal"]);

/** Keys that exist only in OpenAPI 3 (or JSON Schema beyond draft-04) and are invalid in Swagger 2.0 / connectors. */
const OPENAPI3_ONLY_KEYS = new Set(["nullable", "oneOf", "anyOf", "not", "const", "requestBody", "components", "servers", "openapi", "content", "writeOnly", "examples", "$schema", "$id"]);

/** Parents whose keys are names (of properties, paths, definitions...), not keywords. */
const NAME_MAP_PARENTS = new Set(["properties", "definitions", "paths", "securityDefinitions", "parameters", "responses", "headers", "scopes"]);

/** Headers Power Automate and Logic Apps add to every connector call themselves. */
const PLATFORM_HEADER = /^x-ms-(workflow-|client-tracking-id$|tracking-id$)/i;

/** Every schema node carrying x-ms-dynamic-schema or x-ms-dynamic-properties in an operation's body and responses, with where it is. */
function dynamicSchemasIn(operation: JsonSchema, label: string): Array<{ where: string; schema: JsonSchema }> {
  const found: Array<{ where: string; schema: JsonSchema }> = [];
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((child, index) => visit(child, `${where}/${index}`));
    if (!isObject(node)) return;
    if (node["x-ms-dynamic-schema"] !== undefined || node["x-ms-dynamic-properties"] !== undefined) found.push({ where, schema: node });
    for (const [key, child] of Object.entries(node)) if (!key.startsWith("x-ms-dynamic")) visit(child, `${where}/${key}`);
  };
  for (const parameter of parametersOf(operation)) if (parameter["in"] === "body") visit(parameter["schema"], `${label} body`);
  for (const [status, response] of Object.entries(responsesOf(operation))) visit(response["schema"], `${label} response ${status}`);
  return found;
}

const MAX_DEFINITION_BYTES = 1024 * 1024;
const MAX_OPERATIONS = 256;
const MAX_SUMMARY_LENGTH = 80;

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Violations of the summary string rules, for `what`. */
export function summaryViolations(what: string, summary: unknown): string[] {
  const value = text(summary);
  if (!value) return [`${what}: summary is missing`];
  const problems: string[] = [];
  if (value.length > MAX_SUMMARY_LENGTH) problems.push(`${what}: summary is ${value.length} characters (at most ${MAX_SUMMARY_LENGTH})`);
  if (!/^[A-Za-z0-9 ()]+$/.test(value)) problems.push(`${what}: summary "${value}" has characters other than letters, digits, spaces and parentheses`);
  if (!/[A-Za-z0-9)]$/.test(value)) problems.push(`${what}: summary "${value}" ends with a non-alphanumeric character`);
  const [first, ...rest] = value.split(" ");
  if (!first || !/^[A-Z]/.test(first)) problems.push(`${what}: summary "${value}" does not start with a capital letter`);
  const titleWords = rest.filter((word) => /^[A-Z][a-z]/.test(word) && !PROPER_WORDS.has(word));
  if (titleWords.length > 0) problems.push(`${what}: summary "${value}" is not sentence case (${titleWords.join(", ")})`);
  return problems;
}

function operationRule(id: string, description: string, check: (label: string, operation: JsonSchema, files: ConnectorFiles) => string[]): ConnectorRule {
  return {
    id,
    description,
    check: (files) => operationsOf(files.apiDefinition).flatMap(({ label, operation }) => check(label, operation, files)),
  };
}

function findOpenApi3Keys(node: unknown, where: string, parentKey: string | undefined, out: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, index) => findOpenApi3Keys(child, `${where}/${index}`, undefined, out));
    return;
  }
  if (!isObject(node)) return;
  const keysAreNames = parentKey !== undefined && NAME_MAP_PARENTS.has(parentKey);
  for (const [key, child] of Object.entries(node)) {
    if (!keysAreNames && OPENAPI3_ONLY_KEYS.has(key)) out.push(`${where}/${key}: "${key}" is not Swagger 2.0`);
    if (key.startsWith("x-ms-dynamic") || key === "example" || key === "default" || key === "enum") continue;
    findOpenApi3Keys(child, `${where}/${key}`, keysAreNames ? undefined : key, out);
  }
}

function findRefsWithSiblings(node: unknown, where: string, out: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, index) => findRefsWithSiblings(child, `${where}/${index}`, out));
    return;
  }
  if (!isObject(node)) return;
  if (typeof node["$ref"] === "string" && Object.keys(node).length > 1) out.push(`${where}: $ref has sibling keys (${Object.keys(node).join(", ")})`);
  for (const [key, child] of Object.entries(node)) findRefsWithSiblings(child, `${where}/${key}`, out);
}

/** Every rule, in the order reference/connector.md lists them. */
export const CONNECTOR_RULES: readonly ConnectorRule[] = [
  {
    id: "swagger-version",
    description: "The definition is Swagger 2.0 (SpecificationVersionIncorrect); OpenAPI 3 is not supported.",
    check: ({ apiDefinition }) => (apiDefinition["swagger"] === "2.0" ? [] : [`swagger is ${JSON.stringify(apiDefinition["swagger"])}, not "2.0"`]),
  },
  {
    id: "definition-size",
    description: "The definition is smaller than 1 MB.",
    check: ({ apiDefinition }) => {
      const bytes = Buffer.byteLength(`${JSON.stringify(apiDefinition, null, 2)}\n`);
      return bytes < MAX_DEFINITION_BYTES ? [] : [`the definition is ${bytes} bytes (limit ${MAX_DEFINITION_BYTES})`];
    },
  },
  {
    id: "operation-count",
    description: "At most 256 operations (TotalOperationsCountExceedsMaxAllowed).",
    check: ({ apiDefinition }) => {
      const count = operationsOf(apiDefinition).length;
      return count <= MAX_OPERATIONS ? [] : [`${count} operations (at most ${MAX_OPERATIONS})`];
    },
  },
  {
    id: "info-title",
    description: "info.title is at most 30 characters, has no 'API' or 'Connector', and ends with a letter or digit.",
    check: ({ apiDefinition }) => {
      const info = isObject(apiDefinition["info"]) ? apiDefinition["info"] : {};
      const title = text(info["title"]);
      if (!title) return ["info.title is missing"];
      const problems: string[] = [];
      if (title.length > 30) problems.push(`info.title is ${title.length} characters (at most 30)`);
      if (/\bapi\b/i.test(title)) problems.push(`info.title "${title}" contains "API"`);
      if (/connector/i.test(title)) problems.push(`info.title "${title}" contains "Connector"`);
      if (!/[A-Za-z0-9]$/.test(title)) problems.push(`info.title "${title}" ends with a non-alphanumeric character`);
      return problems;
    },
  },
  {
    id: "info-description",
    description: "info.description is 30 to 500 characters.",
    check: ({ apiDefinition }) => {
      const info = isObject(apiDefinition["info"]) ? apiDefinition["info"] : {};
      const description = text(info["description"]) ?? "";
      return description.length >= 30 && description.length <= 500 ? [] : [`info.description is ${description.length} characters (30 to 500)`];
    },
  },
  {
    id: "connector-metadata",
    description: "x-ms-connector-metadata names Website, Privacy policy and at most two known Categories.",
    check: ({ apiDefinition }) => {
      const metadata = apiDefinition["x-ms-connector-metadata"];
      if (!Array.isArray(metadata)) return ["x-ms-connector-metadata is missing"];
      const values = new Map(metadata.filter(isObject).map((entry) => [entry["propertyName"], text(entry["propertyValue"]) ?? ""]));
      const problems: string[] = [];
      for (const name of ["Website", "Privacy policy", "Categories"]) {
        if (!values.get(name)) problems.push(`x-ms-connector-metadata has no ${name}`);
      }
      for (const name of ["Website", "Privacy policy"]) {
        const url = values.get(name);
        if (url && !/^https:\/\//.test(url)) problems.push(`x-ms-connector-metadata ${name} is not an https URL`);
      }
      const categories = (values.get("Categories") ?? "").split(";").filter((category) => category !== "");
      if (categories.length > 2) problems.push(`x-ms-connector-metadata names ${categories.length} categories (at most 2)`);
      for (const category of categories) {
        if (!CATEGORIES.has(category)) problems.push(`x-ms-connector-metadata category "${category}" is not a known category`);
      }
      return problems;
    },
  },
  {
    id: "host-base-path-schemes",
    description: "host has no scheme or path (HostNameNotValid), basePath starts with /, schemes is non-empty http/https.",
    check: ({ apiDefinition }) => {
      const problems: string[] = [];
      const host = text(apiDefinition["host"]);
      if (!host || !/^[^{}/ :\\]+(?::\d+)?$/.test(host)) problems.push(`host ${JSON.stringify(apiDefinition["host"])} is not a bare host name`);
      const basePath = text(apiDefinition["basePath"]);
      if (!basePath?.startsWith("/")) problems.push(`basePath ${JSON.stringify(apiDefinition["basePath"])} does not start with /`);
      const schemes = apiDefinition["schemes"];
      if (!Array.isArray(schemes) || schemes.length === 0 || schemes.some((scheme) => scheme !== "http" && scheme !== "https")) {
        problems.push(`schemes ${JSON.stringify(schemes)} must be a non-empty list of http/https`);
      }
      return problems;
    },
  },
  {
    id: "mime-types",
    description: "consumes lists a supported MIME type (ConsumesMissing); every MIME type is supported (MimeTypeNotValid).",
    check: ({ apiDefinition }) => {
      const problems: string[] = [];
      const rootConsumes = apiDefinition["consumes"];
      for (const { label, operation } of [{ label: "(root)", operation: apiDefinition }, ...operationsOf(apiDefinition)]) {
        for (const key of ["consumes", "produces"]) {
          const list = operation[key];
          if (list === undefined) continue;
          if (!Array.isArray(list)) problems.push(`${label}: ${key} is not a list`);
          else for (const type of list) if (!SUPPORTED_MIME_TYPES.has(String(type))) problems.push(`${label}: ${key} has unsupported ${String(type)}`);
        }
      }
      for (const { label, operation } of operationsOf(apiDefinition)) {
        const consumes = operation["consumes"] ?? rootConsumes;
        const hasBody = parametersOf(operation).some((parameter) => parameter["in"] === "body");
        if (hasBody && (!Array.isArray(consumes) || consumes.length === 0)) problems.push(`${label}: takes a body but nothing declares consumes`);
      }
      return problems;
    },
  },
  {
    id: "no-openapi3-constructs",
    description: "No OpenAPI 3-only keys (nullable, oneOf, anyOf, const, requestBody, content...).",
    check: ({ apiDefinition }) => {
      const out: string[] = [];
      findOpenApi3Keys(apiDefinition, "", undefined, out);
      return out;
    },
  },
  {
    id: "no-ref-siblings",
    description: "A $ref has no sibling keys (AdditionalPropertyNotAllowedAdjacentToRef).",
    check: ({ apiDefinition }) => {
      const out: string[] = [];
      findRefsWithSiblings(apiDefinition, "", out);
      return out;
    },
  },
  {
    id: "operation-id",
    description: "Every operation has a unique PascalCase alphanumeric operationId (OperationIdRequired, OperationIdNotUnique, OperationIdSanitized).",
    check: ({ apiDefinition }) => {
      const problems: string[] = [];
      const seen = new Set<string>();
      for (const { path, method, operation } of operationsOf(apiDefinition)) {
        const id = text(operation["operationId"]);
        if (!id) {
          problems.push(`${method.toUpperCase()} ${path}: operationId is missing`);
          continue;
        }
        if (!/^[A-Z][A-Za-z0-9]*$/.test(id)) problems.push(`${id}: operationId is not PascalCase letters and digits`);
        if (id.length > 80) problems.push(`${id}: operationId is longer than 80 characters`);
        if (seen.has(id.toLowerCase())) problems.push(`${id}: operationId is not unique`);
        seen.add(id.toLowerCase());
      }
      return problems;
    },
  },
  operationRule(
    "operation-summary",
    "Operation summaries: sentence case, at most 80 characters, letters/digits/spaces/parentheses, no trailing period (RestrictedCharactersInSummary).",
    (label, operation) => summaryViolations(label, operation["summary"]),
  ),
  operationRule("operation-description", "Operation descriptions are full sentences ending in punctuation, different from the summary.", (label, operation) => {
    const description = text(operation["description"]);
    if (!description) return [`${label}: description is missing`];
    const problems: string[] = [];
    if (!/^[A-Z]/.test(description)) problems.push(`${label}: description does not start with a capital letter`);
    if (!/[.!?]$/.test(description)) problems.push(`${label}: description does not end with a full stop`);
    if (description === operation["summary"]) problems.push(`${label}: description equals the summary`);
    return problems;
  }),
  operationRule("operation-visibility", "Every operation has x-ms-visibility important, advanced or internal.", (label, operation) =>
    VISIBILITIES.has(String(operation["x-ms-visibility"])) ? [] : [`${label}: x-ms-visibility is ${JSON.stringify(operation["x-ms-visibility"])}`],
  ),
  operationRule("parameter-summary", "Every parameter has an x-ms-summary of at most 80 characters and a description.", (label, operation) =>
    parametersOf(operation).flatMap((parameter) => {
      const summary = text(parameter["x-ms-summary"]);
      const problems: string[] = [];
      if (!summary) problems.push(`${label} parameter ${String(parameter["name"])}: x-ms-summary is missing`);
      else if (summary.length > MAX_SUMMARY_LENGTH) problems.push(`${label} parameter ${String(parameter["name"])}: x-ms-summary is too long`);
      if (!text(parameter["description"])) problems.push(`${label} parameter ${String(parameter["name"])}: description is missing`);
      return problems;
    }),
  ),
  operationRule("parameter-visibility", "Parameter x-ms-visibility, when present, is important, advanced or internal.", (label, operation) =>
    parametersOf(operation)
      .filter((parameter) => parameter["x-ms-visibility"] !== undefined && !VISIBILITIES.has(String(parameter["x-ms-visibility"])))
      .map((parameter) => `${label} parameter ${String(parameter["name"])}: x-ms-visibility is ${JSON.stringify(parameter["x-ms-visibility"])}`),
  ),
  operationRule(
    "path-parameters",
    "Path parameters are required (PathParameterMustBeRequired) with x-ms-url-encoding (PathParameterMissingEncoding); query parameters have none (QueryParameterEncodingNotSupported).",
    (label, operation) =>
      parametersOf(operation).flatMap((parameter) => {
        const name = `${label} parameter ${String(parameter["name"])}`;
        const encoding = parameter["x-ms-url-encoding"];
        if (parameter["in"] === "path") {
          const problems: string[] = [];
          if (parameter["required"] !== true) problems.push(`${name}: path parameter is not required`);
          if (encoding !== "single" && encoding !== "double") problems.push(`${name}: path parameter has no x-ms-url-encoding`);
          return problems;
        }
        return encoding === undefined ? [] : [`${name}: x-ms-url-encoding on a ${String(parameter["in"])} parameter`];
      }),
  ),
  {
    id: "body-parameters",
    description: "At most one body parameter, none on GET (BodyOrFormDataParameterInFetchOperationNotAllowed), and no parameter named connectionId.",
    check: ({ apiDefinition }) =>
      operationsOf(apiDefinition).flatMap(({ label, method, operation }) => {
        const parameters = parametersOf(operation);
        const bodies = parameters.filter((parameter) => parameter["in"] === "body" || parameter["in"] === "formData");
        const problems: string[] = [];
        if (bodies.length > 1) problems.push(`${label}: ${bodies.length} body parameters`);
        if (bodies.length > 0 && method === "get") problems.push(`${label}: a GET takes a body`);
        for (const parameter of parameters) if (parameter["name"] === "connectionId") problems.push(`${label}: a parameter is named connectionId`);
        return problems;
      }),
  },
  operationRule(
    "responses",
    "At least one success response; exactly one response has a schema; the default response has none (DefaultResponseHasSchema).",
    (label, operation) => {
      const responses = responsesOf(operation);
      const problems: string[] = [];
      if (!Object.keys(responses).some((status) => /^2\d\d$/.test(status))) problems.push(`${label}: no success response`);
      if (responses["default"]?.["schema"] !== undefined) problems.push(`${label}: the default response has a schema`);
      const withSchema = Object.entries(responses).filter(([, response]) => response["schema"] !== undefined);
      if (withSchema.length > 1) problems.push(`${label}: ${withSchema.length} responses have a schema (${withSchema.map(([status]) => status).join(", ")})`);
      return problems;
    },
  ),
  {
    id: "property-summary",
    description: "Every body and output property has an x-ms-summary of at most 80 characters.",
    check: ({ apiDefinition }) =>
      schemaRootsOf(apiDefinition).flatMap(({ where, schema }) =>
        propertiesOf(schema, where).flatMap((property) => {
          const summary = text(property.schema["x-ms-summary"]);
          if (property.schema["$ref"] !== undefined) return [];
          if (!summary) return [`${property.where}: x-ms-summary is missing`];
          return summary.length > MAX_SUMMARY_LENGTH ? [`${property.where}: x-ms-summary is too long`] : [];
        }),
      ),
  },
  {
    id: "internal-default-required",
    description: "An internal parameter or property with a default is required (PropertyMustBeRequired: optional internal fields are ignored).",
    check: ({ apiDefinition }) => {
      const problems: string[] = [];
      for (const { label, operation } of operationsOf(apiDefinition)) {
        for (const parameter of parametersOf(operation)) {
          if (parameter["x-ms-visibility"] === "internal" && parameter["default"] !== undefined && parameter["required"] !== true) {
            problems.push(`${label} parameter ${String(parameter["name"])}: internal with a default but not required`);
          }
        }
      }
      for (const { where, schema } of schemaRootsOf(apiDefinition)) {
        for (const property of propertiesOf(schema, where)) {
          if (property.schema["x-ms-visibility"] === "internal" && property.schema["default"] !== undefined && !property.required) {
            problems.push(`${property.where}: internal with a default but not required`);
          }
        }
      }
      return problems;
    },
  },
  {
    id: "dynamic-values",
    description: "x-ms-dynamic-values name an internal operation whose response has the value collection, value path and title, and pass only parameters the operation has.",
    check: ({ apiDefinition }) => {
      const byId = new Map(operationsOf(apiDefinition).map((entry) => [text(entry.operation["operationId"]), entry]));
      const problems: string[] = [];
      for (const { label, operation } of operationsOf(apiDefinition)) {
        const parameterNames = new Set(parametersOf(operation).map((parameter) => parameter["name"]));
        for (const parameter of parametersOf(operation)) {
          const dynamic = parameter["x-ms-dynamic-values"];
          if (dynamic === undefined) continue;
          const name = `${label} parameter ${String(parameter["name"])}`;
          if (!isObject(dynamic)) {
            problems.push(`${name}: x-ms-dynamic-values is not an object`);
            continue;
          }
          const source = byId.get(text(dynamic["operationId"]));
          if (!source) {
            problems.push(`${name}: x-ms-dynamic-values names unknown operation ${String(dynamic["operationId"])}`);
            continue;
          }
          if (source.operation["x-ms-visibility"] !== "internal") problems.push(`${name}: ${source.label} feeds a dropdown but is not internal`);
          const response = Object.entries(responsesOf(source.operation)).find(([status]) => /^2\d\d$/.test(status))?.[1];
          const collection = resolveRef(apiDefinition, response?.["schema"]);
          const collectionName = text(dynamic["value-collection"]) ?? "";
          const array = resolveRef(apiDefinition, isObject(collection?.["properties"]) ? collection["properties"][collectionName] : undefined);
          const item = resolveRef(apiDefinition, array?.["items"]);
          const itemProperties = isObject(item?.["properties"]) ? item["properties"] : {};
          if (!array || array["type"] !== "array") problems.push(`${name}: ${source.label} has no array at "${collectionName}"`);
          for (const key of ["value-path", "value-title"]) {
            const field = text(dynamic[key]) ?? "";
            if (!(field in itemProperties)) problems.push(`${name}: ${key} "${field}" is not a field of ${source.label}'s items`);
          }
          const sourceParameters = new Set(parametersOf(source.operation).map((sourceParameter) => sourceParameter["name"]));
          const passed = isObject(dynamic["parameters"]) ? dynamic["parameters"] : {};
          for (const [argument, value] of Object.entries(passed)) {
            if (!sourceParameters.has(argument)) problems.push(`${name}: passes ${argument}, which ${source.label} does not take`);
            if (isObject(value) && typeof value["parameter"] === "string" && !parameterNames.has(value["parameter"])) {
              problems.push(`${name}: takes ${argument} from parameter ${value["parameter"]}, which ${label} does not have`);
            }
          }
          for (const sourceParameter of parametersOf(source.operation)) {
            if (sourceParameter["required"] === true && sourceParameter["default"] === undefined && !(String(sourceParameter["name"]) in passed)) {
              problems.push(`${name}: does not pass ${String(sourceParameter["name"])}, which ${source.label} requires`);
            }
          }
        }
      }
      return problems;
    },
  },
  operationRule(
    "triggers",
    "Triggers: x-ms-trigger batch or single with x-ms-trigger-metadata; summary starts with 'When'; description starts 'This operation triggers when'. " +
      "A polling trigger is a GET whose 200 carries the payload (an array for batch) and whose 202 (nothing yet) has no schema; both declare Location and Retry-After.",
    (label, operation, files) => {
      const trigger = operation["x-ms-trigger"];
      if (trigger === undefined) return [];
      const problems: string[] = [];
      if (trigger !== "batch" && trigger !== "single") problems.push(`${label}: x-ms-trigger is ${JSON.stringify(trigger)}`);
      const metadata = operation["x-ms-trigger-metadata"];
      if (!isObject(metadata)) problems.push(`${label}: x-ms-trigger-metadata is missing`);
      if (!text(operation["summary"])?.startsWith("When ")) problems.push(`${label}: trigger summary does not start with "When"`);
      if (!text(operation["description"])?.startsWith("This operation triggers when")) problems.push(`${label}: trigger description does not start with "This operation triggers when"`);
      if (isObject(metadata) && metadata["mode"] === "polling") {
        const responses = responsesOf(operation);
        const payload = resolveRef(files.apiDefinition, responses["200"]?.["schema"]);
        if (!payload) problems.push(`${label}: polling trigger has no 200 response with a schema`);
        else if (trigger === "batch" && payload["type"] !== "array") problems.push(`${label}: batch trigger's 200 schema is not an array`);
        const pending = responses["202"];
        if (!pending) problems.push(`${label}: polling trigger has no 202 response for "nothing yet"`);
        else if (pending["schema"] !== undefined) problems.push(`${label}: the 202 response has a schema`);
        for (const status of ["200", "202"]) {
          const headers = isObject(responses[status]?.["headers"]) ? (responses[status]?.["headers"] as JsonSchema) : {};
          for (const header of ["Location", "Retry-After"]) if (responses[status] && !(header in headers)) problems.push(`${label}: ${status} response does not declare ${header}`);
        }
      }
      return problems;
    },
  ),
  {
    id: "platform-headers",
    description:
      "No parameter asks a maker for a header Power Automate adds to every call itself (x-ms-workflow-*, x-ms-client-tracking-id, x-ms-tracking-id): such parameters are excluded from the connector.",
    check: ({ apiDefinition }) =>
      operationsOf(apiDefinition).flatMap(({ label, operation }) =>
        parametersOf(operation)
          .filter((parameter) => parameter["in"] === "header" && PLATFORM_HEADER.test(String(parameter["name"])))
          .map((parameter) => `${label} parameter ${String(parameter["name"])}: the platform sends this header itself`),
      ),
  },
  {
    id: "dynamic-schema",
    description:
      "x-ms-dynamic-schema names an internal operation, passes only parameters it takes (all it requires) from parameters the operation has, and points value-path at a property of its response; " +
      "it comes with x-ms-dynamic-properties of the same operation whose itemValuePath equals value-path (DynamicPropertiesExtensionRequiredFor..., DynamicPropertiesItemValuePathMismatch), never on a body parameter itself (DynamicExtensionDefinitionNotAllowedInParameter).",
    check: ({ apiDefinition }) => {
      const byId = new Map(operationsOf(apiDefinition).map((entry) => [text(entry.operation["operationId"]), entry]));
      const problems: string[] = [];
      for (const { label, operation } of operationsOf(apiDefinition)) {
        const parameterNames = new Set(parametersOf(operation).map((parameter) => parameter["name"]));
        for (const parameter of parametersOf(operation)) {
          if (Object.keys(parameter).some((key) => key.startsWith("x-ms-dynamic-schema") || key.startsWith("x-ms-dynamic-properties"))) {
            problems.push(`${label} parameter ${String(parameter["name"])}: dynamic schema on the parameter, not in its schema`);
          }
        }
        for (const found of dynamicSchemasIn(operation, label)) {
          const { where, schema } = found;
          const dynamic = schema["x-ms-dynamic-schema"];
          if (!isObject(dynamic)) {
            problems.push(`${where}: x-ms-dynamic-schema is not an object`);
            continue;
          }
          const source = byId.get(text(dynamic["operationId"]));
          if (!source) {
            problems.push(`${where}: x-ms-dynamic-schema names unknown operation ${String(dynamic["operationId"])}`);
            continue;
          }
          if (source.operation["x-ms-visibility"] !== "internal") problems.push(`${where}: ${source.label} supplies a schema but is not internal`);
          const sourceParameters = new Set(parametersOf(source.operation).map((sourceParameter) => sourceParameter["name"]));
          const passed = isObject(dynamic["parameters"]) ? dynamic["parameters"] : {};
          for (const [argument, value] of Object.entries(passed)) {
            if (!sourceParameters.has(argument)) problems.push(`${where}: passes ${argument}, which ${source.label} does not take`);
            if (isObject(value) && typeof value["parameter"] === "string" && !parameterNames.has(value["parameter"])) {
              problems.push(`${where}: takes ${argument} from parameter ${value["parameter"]}, which ${label} does not have`);
            }
          }
          for (const sourceParameter of parametersOf(source.operation)) {
            if (sourceParameter["required"] === true && sourceParameter["default"] === undefined && !(String(sourceParameter["name"]) in passed)) {
              problems.push(`${where}: does not pass ${String(sourceParameter["name"])}, which ${source.label} requires`);
            }
          }
          const valuePath = text(dynamic["value-path"]) ?? "";
          const response = Object.entries(responsesOf(source.operation)).find(([status]) => /^2\d\d$/.test(status))?.[1];
          const responseSchema = resolveRef(apiDefinition, response?.["schema"]);
          const first = valuePath.split("/")[0] ?? "";
          if (!isObject(responseSchema?.["properties"]) || !(first in responseSchema["properties"])) problems.push(`${where}: value-path "${valuePath}" is not in ${source.label}'s response`);
          const companion = schema["x-ms-dynamic-properties"];
          if (!isObject(companion)) {
            problems.push(`${where}: x-ms-dynamic-schema without x-ms-dynamic-properties`);
            continue;
          }
          if (companion["operationId"] !== dynamic["operationId"]) problems.push(`${where}: x-ms-dynamic-properties names another operation`);
          if (companion["itemValuePath"] !== valuePath.replace(/\/properties$/, "")) problems.push(`${where}: itemValuePath ${JSON.stringify(companion["itemValuePath"])} does not match value-path "${valuePath}"`);
          const references = isObject(companion["parameters"]) ? companion["parameters"] : {};
          for (const [argument, value] of Object.entries(passed)) {
            const expected = isObject(value) && typeof value["parameter"] === "string" ? value["parameter"] : undefined;
            const reference = references[argument];
            if (expected !== undefined && !(isObject(reference) && reference["parameterReference"] === expected)) {
              problems.push(`${where}: x-ms-dynamic-properties does not pass ${argument} as parameterReference ${expected}`);
            }
          }
        }
      }
      return problems;
    },
  },
  {
    id: "api-properties",
    description:
      "apiProperties: iconBrandColor is a non-white hex colour other than #007ee5; capabilities match the triggers; a dynamichosturl policy uses a declared connection parameter; every connection parameter is required with a display name; the API key is a securestring named as the security definition.",
    check: ({ apiDefinition, apiProperties }) => {
      const properties = isObject(apiProperties["properties"]) ? apiProperties["properties"] : {};
      const problems: string[] = [];
      const color = text(properties["iconBrandColor"]) ?? "";
      if (!/^#[0-9a-fA-F]{6}$/.test(color)) problems.push(`iconBrandColor ${JSON.stringify(color)} is not #rrggbb`);
      if (/^#(ffffff|007ee5)$/i.test(color)) problems.push(`iconBrandColor ${color} is white or the default colour`);
      const hasTriggers = operationsOf(apiDefinition).some(({ operation }) => operation["x-ms-trigger"] !== undefined);
      const capabilities = Array.isArray(properties["capabilities"]) ? (properties["capabilities"] as unknown[]) : [];
      if (!capabilities.includes("actions")) problems.push(`capabilities does not include "actions"`);
      if (capabilities.includes("triggers") !== hasTriggers) problems.push(`capabilities ${hasTriggers ? "lacks" : "has"} "triggers" but the definition ${hasTriggers ? "has" : "has no"} triggers`);

      const sets = isObject(properties["connectionParameterSets"]) && Array.isArray(properties["connectionParameterSets"]["values"])
        ? (properties["connectionParameterSets"]["values"] as unknown[]).filter(isObject)
        : [];
      const parameterGroups = [
        ...(isObject(properties["connectionParameters"]) ? [{ name: "connectionParameters", parameters: properties["connectionParameters"] }] : []),
        ...sets.map((set) => ({ name: `set ${String(set["name"])}`, parameters: isObject(set["parameters"]) ? set["parameters"] : {} })),
      ];
      if (parameterGroups.length === 0) problems.push("no connection parameters");
      for (const group of parameterGroups) {
        for (const [name, parameter] of Object.entries(group.parameters)) {
          if (!isObject(parameter)) continue;
          const ui = isObject(parameter["uiDefinition"]) ? parameter["uiDefinition"] : {};
          const constraints = isObject(ui["constraints"]) ? ui["constraints"] : {};
          if (!text(ui["displayName"])) problems.push(`${group.name} ${name}: uiDefinition.displayName is missing`);
          if (parameter["type"] !== "oauthSetting" && !text(ui["description"])) problems.push(`${group.name} ${name}: uiDefinition.description is missing`);
          if (constraints["required"] !== "true") problems.push(`${group.name} ${name}: uiDefinition.constraints.required is not "true"`);
        }
      }
      const securityDefinitions = isObject(apiDefinition["securityDefinitions"]) ? apiDefinition["securityDefinitions"] : {};
      for (const [name, definition] of Object.entries(securityDefinitions)) {
        if (!isObject(definition) || definition["type"] !== "apiKey") continue;
        const declared = parameterGroups.some((group) => isObject(group.parameters[name]) && group.parameters[name]["type"] === "securestring");
        if (!declared) problems.push(`security definition ${name} (apiKey) has no securestring connection parameter of that name`);
      }
      const policies = Array.isArray(properties["policyTemplateInstances"]) ? (properties["policyTemplateInstances"] as unknown[]).filter(isObject) : [];
      const hostPolicy = policies.find((policy) => policy["templateId"] === "dynamichosturl");
      if (!hostPolicy) problems.push("no dynamichosturl policy applies the API base URL");
      else {
        const template = isObject(hostPolicy["parameters"]) ? text(hostPolicy["parameters"]["x-ms-apimTemplateParameter.urlTemplate"]) : undefined;
        const referenced = [...(template ?? "").matchAll(/connectionParameters\('([^']+)'/g)].map((match) => match[1]);
        if (referenced.length === 0) problems.push("the dynamichosturl policy uses no connection parameter");
        for (const name of referenced) {
          if (!parameterGroups.every((group) => name !== undefined && name in group.parameters)) problems.push(`the dynamichosturl policy uses ${name}, which not every connection type declares`);
        }
      }
      return problems;
    },
  },
];

/** Runs every rule; returns `rule id: violation` lines. */
export function checkConnectorRules(files: ConnectorFiles, rules: readonly ConnectorRule[] = CONNECTOR_RULES): string[] {
  return rules.flatMap((rule) => rule.check(files).map((violation) => `${rule.id}: ${violation}`));
}
