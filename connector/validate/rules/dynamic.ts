/**
 * Rules of the design-time calls a connector makes: dropdowns (`x-ms-dynamic-values`) and typed schemas
 * (`x-ms-dynamic-schema` with its companion `x-ms-dynamic-properties`). Both call an internal operation
 * with arguments; {@link resolveCall} and {@link argumentViolations} check that call the same way for both.
 */
import { isObject } from "../../schema.js";
import type { JsonSchema } from "../../schema.js";
import { notificationSchemaOf, operationsOf, parametersOf, resolveRef, responsesOf, triggerKindOf } from "../walk.js";
import type { OperationEntry } from "../walk.js";
import { text } from "./rule.js";
import type { ConnectorRule } from "./rule.js";

/** A design-time call found in an operation: where it is, and the operation it sits in. */
interface DynamicCall {
  /** Where the extension is, the start of every message. */
  where: string;
  /** The label of the operation the extension sits in. */
  label: string;
  /** The parameter names of that operation. */
  parameterNames: ReadonlySet<unknown>;
  /** The extension's value. */
  value: unknown;
}

/** A call whose target operation was found. */
interface ResolvedCall {
  /** The extension's value, known to be an object. */
  extension: JsonSchema;
  source: OperationEntry;
  /** The arguments it passes (`parameters`), by the called operation's parameter names. */
  passed: JsonSchema;
}

/**
 * Resolves the internal operation a call names, pushing to `problems` why it cannot (`keyword` names the
 * extension) and, when it can, whether that operation is not internal (`role`: what it does for the caller).
 */
function resolveCall(
  byId: ReadonlyMap<string | undefined, OperationEntry>,
  call: DynamicCall,
  keyword: string,
  role: string,
  problems: string[],
): ResolvedCall | undefined {
  const { where, value } = call;
  if (!isObject(value)) {
    problems.push(`${where}: ${keyword} is not an object`);
    return undefined;
  }
  const source = byId.get(text(value["operationId"]));
  if (!source) {
    problems.push(`${where}: ${keyword} names unknown operation ${String(value["operationId"])}`);
    return undefined;
  }
  if (source.operation["x-ms-visibility"] !== "internal") problems.push(`${where}: ${source.label} ${role} but is not internal`);
  return { extension: value, source, passed: isObject(value["parameters"]) ? value["parameters"] : {} };
}

/**
 * The argument checks both extensions make of a resolved call: only parameters the called operation
 * takes, taken from parameters the calling operation has, and every parameter it requires (without a default).
 */
function argumentViolations(call: DynamicCall, { source, passed }: ResolvedCall): string[] {
  const { where, label, parameterNames } = call;
  const problems: string[] = [];
  const sourceParameters = new Set(parametersOf(source.operation).map((sourceParameter) => sourceParameter["name"]));
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
  return problems;
}

/** Operations by operationId. */
function operationsById(document: JsonSchema): Map<string | undefined, OperationEntry> {
  return new Map(operationsOf(document).map((entry) => [text(entry.operation["operationId"]), entry]));
}

/** The schema of an operation's first 2xx response, $refs resolved. */
function successSchema(document: JsonSchema, operation: JsonSchema): JsonSchema | undefined {
  const response = Object.entries(responsesOf(operation)).find(([status]) => /^2\d\d$/.test(status))?.[1];
  return resolveRef(document, response?.["schema"]);
}

/** The parameter names of an operation. */
function parameterNamesOf(operation: JsonSchema): Set<unknown> {
  return new Set(parametersOf(operation).map((parameter) => parameter["name"]));
}

/**
 * Every schema node carrying x-ms-dynamic-schema or x-ms-dynamic-properties in an operation's body and
 * responses, and a webhook trigger's notification, with where it is.
 */
function dynamicSchemasIn(entry: OperationEntry): Array<{ where: string; schema: JsonSchema }> {
  const { operation, label } = entry;
  const found: Array<{ where: string; schema: JsonSchema }> = [];
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((child, index) => visit(child, `${where}/${index}`));
      return;
    }
    if (!isObject(node)) return;
    if (node["x-ms-dynamic-schema"] !== undefined || node["x-ms-dynamic-properties"] !== undefined) found.push({ where, schema: node });
    for (const [key, child] of Object.entries(node)) if (!key.startsWith("x-ms-dynamic")) visit(child, `${where}/${key}`);
  };
  for (const parameter of parametersOf(operation)) if (parameter["in"] === "body") visit(parameter["schema"], `${label} body`);
  for (const [status, response] of Object.entries(responsesOf(operation))) visit(response["schema"], `${label} response ${status}`);
  if (triggerKindOf(entry) === "webhook") visit(notificationSchemaOf(entry), `${label} notification`);
  return found;
}

export const dynamicValuesRule: ConnectorRule = {
  id: "dynamic-values",
  description:
    "x-ms-dynamic-values name an internal operation whose response has the value collection, value path and title, and pass only parameters the operation has.",
  check: ({ apiDefinition }) => {
    const byId = operationsById(apiDefinition);
    const problems: string[] = [];
    for (const { label, operation } of operationsOf(apiDefinition)) {
      const parameterNames = parameterNamesOf(operation);
      for (const parameter of parametersOf(operation)) {
        if (parameter["x-ms-dynamic-values"] === undefined) continue;
        const call = { where: `${label} parameter ${String(parameter["name"])}`, label, parameterNames, value: parameter["x-ms-dynamic-values"] };
        const resolved = resolveCall(byId, call, "x-ms-dynamic-values", "feeds a dropdown", problems);
        if (!resolved) continue;
        const { extension, source } = resolved;
        const collection = successSchema(apiDefinition, source.operation);
        const collectionName = text(extension["value-collection"]) ?? "";
        const array = resolveRef(apiDefinition, isObject(collection?.["properties"]) ? collection["properties"][collectionName] : undefined);
        const item = resolveRef(apiDefinition, array?.["items"]);
        const itemProperties = isObject(item?.["properties"]) ? item["properties"] : {};
        if (array?.["type"] !== "array") problems.push(`${call.where}: ${source.label} has no array at "${collectionName}"`);
        for (const key of ["value-path", "value-title"]) {
          const field = text(extension[key]) ?? "";
          if (!(field in itemProperties)) problems.push(`${call.where}: ${key} "${field}" is not a field of ${source.label}'s items`);
        }
        problems.push(...argumentViolations(call, resolved));
      }
    }
    return problems;
  },
};

export const dynamicSchemaRule: ConnectorRule = {
  id: "dynamic-schema",
  description:
    "x-ms-dynamic-schema (in a body, a response or a webhook notification) names an internal operation, passes only parameters it takes (all it requires) from parameters the operation has, and points value-path at a property of its response; " +
    "it comes with x-ms-dynamic-properties of the same operation whose itemValuePath equals value-path (DynamicPropertiesExtensionRequiredFor..., DynamicPropertiesItemValuePathMismatch), never on a body parameter itself (DynamicExtensionDefinitionNotAllowedInParameter).",
  check: ({ apiDefinition }) => {
    const byId = operationsById(apiDefinition);
    const problems: string[] = [];
    for (const entry of operationsOf(apiDefinition)) {
      const { label, operation } = entry;
      const parameterNames = parameterNamesOf(operation);
      for (const parameter of parametersOf(operation)) {
        if (Object.keys(parameter).some((key) => key.startsWith("x-ms-dynamic-schema") || key.startsWith("x-ms-dynamic-properties"))) {
          problems.push(`${label} parameter ${String(parameter["name"])}: dynamic schema on the parameter, not in its schema`);
        }
      }
      for (const { where, schema } of dynamicSchemasIn(entry)) {
        const call = { where, label, parameterNames, value: schema["x-ms-dynamic-schema"] };
        const resolved = resolveCall(byId, call, "x-ms-dynamic-schema", "supplies a schema", problems);
        if (!resolved) continue;
        const { extension, source, passed } = resolved;
        problems.push(...argumentViolations(call, resolved));
        const valuePath = text(extension["value-path"]) ?? "";
        const responseSchema = successSchema(apiDefinition, source.operation);
        const first = valuePath.split("/")[0] ?? "";
        if (!isObject(responseSchema?.["properties"]) || !(first in responseSchema["properties"]))
          problems.push(`${where}: value-path "${valuePath}" is not in ${source.label}'s response`);
        const companion = schema["x-ms-dynamic-properties"];
        if (!isObject(companion)) {
          problems.push(`${where}: x-ms-dynamic-schema without x-ms-dynamic-properties`);
          continue;
        }
        if (companion["operationId"] !== extension["operationId"]) problems.push(`${where}: x-ms-dynamic-properties names another operation`);
        if (companion["itemValuePath"] !== valuePath.replace(/\/properties$/, ""))
          problems.push(`${where}: itemValuePath ${JSON.stringify(companion["itemValuePath"])} does not match value-path "${valuePath}"`);
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
};
