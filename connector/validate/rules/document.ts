/** Document-level rules: Swagger version, size, operation count, info, connector metadata, host and MIME types. */
import { isObject } from "../../schema.js";
import { operationsOf, parametersOf } from "../walk.js";
import { text } from "./rule.js";
import type { ConnectorRule } from "./rule.js";

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

const MAX_DEFINITION_BYTES = 1024 * 1024;
const MAX_OPERATIONS = 256;

export const swaggerVersionRule: ConnectorRule = {
  id: "swagger-version",
  description: "The definition is Swagger 2.0 (SpecificationVersionIncorrect); OpenAPI 3 is not supported.",
  check: ({ apiDefinition }) => (apiDefinition["swagger"] === "2.0" ? [] : [`swagger is ${JSON.stringify(apiDefinition["swagger"])}, not "2.0"`]),
};

export const definitionSizeRule: ConnectorRule = {
  id: "definition-size",
  description: "The definition is smaller than 1 MB.",
  check: ({ apiDefinition }) => {
    const bytes = Buffer.byteLength(`${JSON.stringify(apiDefinition, null, 2)}\n`);
    return bytes < MAX_DEFINITION_BYTES ? [] : [`the definition is ${bytes} bytes (limit ${MAX_DEFINITION_BYTES})`];
  },
};

export const operationCountRule: ConnectorRule = {
  id: "operation-count",
  description: "At most 256 operations (TotalOperationsCountExceedsMaxAllowed).",
  check: ({ apiDefinition }) => {
    const count = operationsOf(apiDefinition).length;
    return count <= MAX_OPERATIONS ? [] : [`${count} operations (at most ${MAX_OPERATIONS})`];
  },
};

export const infoTitleRule: ConnectorRule = {
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
};

export const infoDescriptionRule: ConnectorRule = {
  id: "info-description",
  description: "info.description is 30 to 500 characters.",
  check: ({ apiDefinition }) => {
    const info = isObject(apiDefinition["info"]) ? apiDefinition["info"] : {};
    const description = text(info["description"]) ?? "";
    return description.length >= 30 && description.length <= 500 ? [] : [`info.description is ${description.length} characters (30 to 500)`];
  },
};

export const connectorMetadataRule: ConnectorRule = {
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
};

export const hostBasePathSchemesRule: ConnectorRule = {
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
};

export const mimeTypesRule: ConnectorRule = {
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
};
