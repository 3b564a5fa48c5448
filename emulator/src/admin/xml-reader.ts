/**
 * Reading request bodies: XML parsed by `@azure/core-xml` (the parser the SDK itself uses, so both ends agree on
 * the object shape: attributes under `$`, text of an element with attributes under `_`, repeated elements as
 * arrays, every value a string), plus lookups by local name so that namespace prefixes do not matter.
 */
import { parseXML, XML_ATTRKEY, XML_CHARKEY } from "@azure/core-xml";
import { AdminError } from "./admin-errors.js";

/** A parsed element with children or attributes. */
export type XmlObject = { readonly [key: string]: unknown };

/**
 * Parses an XML document, keeping its root element (`{ entry: {...} }`).
 *
 * @throws AdminError 400 when the text is not well-formed XML or declares a DOCTYPE (refused so that entity
 *   expansion cannot be abused).
 */
export async function parseXmlDocument(text: string): Promise<XmlObject> {
  if (/<!DOCTYPE/i.test(text)) {
    throw AdminError.invalid("The request body must not contain a DOCTYPE declaration.");
  }
  let parsed: unknown;
  try {
    parsed = await parseXML(text, { includeRoot: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : JSON.stringify(error);
    throw AdminError.invalid(`The request body is not well-formed XML: ${detail}`);
  }
  if (!isXmlObject(parsed)) throw AdminError.invalid("The request body is not an XML document.");
  return parsed;
}

/** `p4:type` -> `type`. */
export function localName(qualifiedName: string): string {
  return qualifiedName.slice(qualifiedName.indexOf(":") + 1);
}

/** Whether `value` is a parsed element with children or attributes (not a text-only element). */
export function isXmlObject(value: unknown): value is XmlObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every child element of `node` whose local name is `name` (repeated elements arrive as arrays). */
export function xmlChildren(node: unknown, name: string): unknown[] {
  if (!isXmlObject(node)) return [];
  return Object.entries(node)
    .filter(([key]) => key !== XML_ATTRKEY && key !== XML_CHARKEY && localName(key) === name)
    .flatMap(([, value]) => (Array.isArray(value) ? (value as unknown[]) : [value]));
}

/** The first child element of `node` named `name` (by local name), if any. */
export function xmlChild(node: unknown, name: string): unknown {
  return xmlChildren(node, name)[0];
}

/** The names (as written, with prefixes) of the child elements of `node`. */
export function xmlChildNames(node: unknown): string[] {
  return isXmlObject(node) ? Object.keys(node).filter((key) => key !== XML_ATTRKEY && key !== XML_CHARKEY) : [];
}

/** The text of an element: "" for an empty element or one with only attributes; undefined for a missing one. */
export function xmlTextOf(element: unknown): string | undefined {
  if (element === undefined) return undefined;
  if (typeof element === "string") return element;
  if (isXmlObject(element)) {
    const text = element[XML_CHARKEY];
    return typeof text === "string" ? text : "";
  }
  return String(element);
}

/** The text of the child element `name` of `node`, if present. */
export function xmlChildText(node: unknown, name: string): string | undefined {
  return xmlTextOf(xmlChild(node, name));
}

/** The attribute of `element` with local name `name` (namespace declarations are never matched). */
export function xmlAttribute(element: unknown, name: string): string | undefined {
  if (!isXmlObject(element)) return undefined;
  const attributes = element[XML_ATTRKEY];
  if (!isXmlObject(attributes)) return undefined;
  const match = Object.entries(attributes).find(([key]) => !key.startsWith("xmlns") && localName(key) === name);
  return match === undefined ? undefined : String(match[1]);
}
