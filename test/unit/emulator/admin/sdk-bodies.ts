/**
 * Request bodies shaped exactly as `@azure/service-bus` 7.9.5 builds them (`serializeToAtomXmlRequest` +
 * `stringifyXML` in atomXmlHelper.ts), and responses parsed as it parses them (`parseXML` with the root kept).
 */
import { parseXML, stringifyXML } from "@azure/core-xml";

/** A PUT body: `<entry xmlns=Atom><updated/><content type="application/xml"><{resource} xmlns=... xmlns:i=...>fields`. */
export function sdkEntryBody(resource: string, fields: Record<string, unknown>): string {
  return stringifyXML(
    {
      updated: new Date().toISOString(),
      content: {
        [resource]: {
          ...fields,
          $: { xmlns: "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect", "xmlns:i": "http://www.w3.org/2001/XMLSchema-instance" },
        },
        $: { type: "application/xml" },
      },
      $: { xmlns: "http://www.w3.org/2005/Atom" },
    },
    { rootName: "entry" },
  );
}

/** The `Filter` / `Action` shapes of the SDK's `buildInternalRuleResource`. */
export const sdkTyped = (type: string, fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...fields,
  $: { "p4:type": type, "xmlns:p4": "http://www.w3.org/2001/XMLSchema-instance" },
});

/** Key-value pairs as `buildInternalRawKeyValuePairs` writes them (numbers as double, as the SDK does). */
export function sdkKeyValuePairs(values: Record<string, string | number | boolean | Date>): Record<string, unknown> {
  return {
    KeyValueOfstringanyType: Object.entries(values).map(([key, value]) => ({
      Key: key,
      Value: {
        $: {
          "p4:type":
            typeof value === "number" ? "l28:double" : typeof value === "boolean" ? "l28:boolean" : value instanceof Date ? "l28:dateTime" : "l28:string",
          "xmlns:l28": "http://www.w3.org/2001/XMLSchema",
        },
        _: value instanceof Date ? value.toJSON() : value,
      },
    })),
  };
}

/** Parses a document as the SDK does. */
export async function sdkParse(xml: string): Promise<Record<string, any>> {
  return (await parseXML(xml, { includeRoot: true })) as Record<string, any>;
}
