/**
 * A minimal XML writer for the management API's responses. Output is compact (no whitespace between elements),
 * because the SDK parses with `trimValues: false` and would otherwise see text nodes where it expects elements.
 */

/** Escapes text for element content and double-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Attributes of an element; undefined values are left out. */
export type XmlAttributes = Readonly<Record<string, string | undefined>>;

/**
 * An element whose children are already-serialised XML (`undefined` children are skipped, so optional
 * elements can be written inline). An element without children is written self-closing.
 */
export function xmlElement(name: string, attributes: XmlAttributes, ...children: (string | undefined)[]): string {
  const attributeText = attributesText(attributes);
  const content = children.filter((child) => child !== undefined).join("");
  return content === "" ? `<${name}${attributeText}/>` : `<${name}${attributeText}>${content}</${name}>`;
}

/** An element holding `value` as text; nothing when `value` is undefined. */
export function xmlText(name: string, value: string | number | boolean | undefined, attributes: XmlAttributes = {}): string | undefined {
  if (value === undefined) return undefined;
  return `<${name}${attributesText(attributes)}>${escapeXml(String(value))}</${name}>`;
}

/** The XML declaration every response document starts with. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

function attributesText(attributes: XmlAttributes): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join("");
}
