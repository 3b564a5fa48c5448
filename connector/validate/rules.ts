/**
 * The Power Platform certification rules that can be checked mechanically, as code, one file per family
 * in rules/. Each rule returns its violations; an empty list means it passes. Microsoft's own validator
 * is online only (`paconn validate`), so these run offline in `npm test`.
 */
import { apiPropertiesRule } from "./rules/api-properties.js";
import {
  connectorMetadataRule,
  definitionSizeRule,
  hostBasePathSchemesRule,
  infoDescriptionRule,
  infoTitleRule,
  mimeTypesRule,
  operationCountRule,
  swaggerVersionRule,
} from "./rules/document.js";
import { dynamicSchemaRule, dynamicValuesRule } from "./rules/dynamic.js";
import { operationDescriptionRule, operationIdRule, operationSummaryRule, operationVisibilityRule } from "./rules/operations.js";
import { bodyParametersRule, parameterSummaryRule, parameterVisibilityRule, pathParametersRule, platformHeadersRule } from "./rules/parameters.js";
import type { ConnectorFiles, ConnectorRule } from "./rules/rule.js";
import { internalDefaultRequiredRule, propertySummaryRule, responsesRule } from "./rules/schemas.js";
import { noOpenApi3ConstructsRule, noRefSiblingsRule } from "./rules/swagger2-only.js";
import { triggersRule } from "./rules/triggers.js";
import { notificationUrlRule, webhookDeleteRule, webhookTriggersRule } from "./rules/webhooks.js";

export type { ConnectorFiles, ConnectorRule } from "./rules/rule.js";
export { summaryViolations } from "./rules/operations.js";

/** Every rule: the document, then operations, parameters, schemas, design-time calls and triggers (polling, then webhook), then apiProperties. */
export const CONNECTOR_RULES: readonly ConnectorRule[] = [
  swaggerVersionRule,
  definitionSizeRule,
  operationCountRule,
  infoTitleRule,
  infoDescriptionRule,
  connectorMetadataRule,
  hostBasePathSchemesRule,
  mimeTypesRule,
  noOpenApi3ConstructsRule,
  noRefSiblingsRule,
  operationIdRule,
  operationSummaryRule,
  operationDescriptionRule,
  operationVisibilityRule,
  parameterSummaryRule,
  parameterVisibilityRule,
  pathParametersRule,
  bodyParametersRule,
  responsesRule,
  propertySummaryRule,
  internalDefaultRequiredRule,
  dynamicValuesRule,
  triggersRule,
  webhookTriggersRule,
  notificationUrlRule,
  webhookDeleteRule,
  platformHeadersRule,
  dynamicSchemaRule,
  apiPropertiesRule,
];

/** Runs every rule; returns `rule id: violation` lines. */
export function checkConnectorRules(files: ConnectorFiles, rules: readonly ConnectorRule[] = CONNECTOR_RULES): string[] {
  return rules.flatMap((rule) => rule.check(files).map((violation) => `${rule.id}: ${violation}`));
}
