/** apiProperties.json rules: brand colour, capabilities, connection parameters and the host policy. */
import { isObject } from "../../schema.js";
import { operationsOf } from "../walk.js";
import { text } from "./rule.js";
import type { ConnectorRule } from "./rule.js";

export const apiPropertiesRule: ConnectorRule = {
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
    if (capabilities.includes("triggers") !== hasTriggers)
      problems.push(`capabilities ${hasTriggers ? "lacks" : "has"} "triggers" but the definition ${hasTriggers ? "has" : "has no"} triggers`);

    const sets =
      isObject(properties["connectionParameterSets"]) && Array.isArray(properties["connectionParameterSets"]["values"])
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
        if (!parameterGroups.every((group) => name !== undefined && name in group.parameters))
          problems.push(`the dynamichosturl policy uses ${name}, which not every connection type declares`);
      }
    }
    return problems;
  },
};
