/**
 * Message-id and session-id templates: text with `{field}` placeholders filled from the event's data, such
 * as `order-{orderId}-submit-v1`. Only top-level string, integer or number fields may be used, so a retried
 * send of the same business event always yields the same id.
 */

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The field names a template refers to. */
export function templateFields(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}

/** The outcome of filling a template: the text, or the field that could not be used. */
export type TemplateResult = { ok: true; value: string } | { ok: false; field: string; reason: string };

/** Fills a template from data; every placeholder must name a string or finite number. */
export function renderTemplate(template: string, data: Readonly<Record<string, unknown>>): TemplateResult {
  let failure: { field: string; reason: string } | undefined;
  const value = template.replace(PLACEHOLDER, (_match, field: string) => {
    const fieldValue = data[field];
    if (typeof fieldValue === "string" && fieldValue.length > 0) return fieldValue;
    if (typeof fieldValue === "number" && Number.isFinite(fieldValue)) return String(fieldValue);
    failure ??= { field, reason: "must be a non-empty string or a number to build the message id" };
    return "";
  });
  return failure ? { ok: false, ...failure } : { ok: true, value };
}
