import { describe, expect, it } from "vitest";
import { AdminError } from "../../../../emulator/src/admin/admin-errors.js";
import type { AtomEntry } from "../../../../emulator/src/admin/atom-xml.js";
import { atomEntryDocument, atomFeedDocument, errorDocument, readEntryContent } from "../../../../emulator/src/admin/atom-xml.js";
import { parseXmlDocument } from "../../../../emulator/src/admin/xml-reader.js";
import { escapeXml, xmlElement, xmlText } from "../../../../emulator/src/admin/xml-writer.js";
import { sdkEntryBody, sdkParse } from "./sdk-bodies.js";

const AT = new Date("2030-01-01T00:00:00.000Z");

function entry(name: string): AtomEntry {
  return {
    url: `https://127.0.0.1:5300/${name}?api-version=2021-05`,
    title: name,
    published: AT,
    updated: AT,
    author: "sbemulatorns",
    content: xmlElement("QueueDescription", { xmlns: "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" }, xmlText("LockDuration", "PT1M")),
  };
}

/** What the SDK's parseEntryResult takes as the description: the first non-attribute key of `content`. */
function sdkContentRoot(parsedEntry: Record<string, any>): string | undefined {
  return Object.keys(parsedEntry["content"] ?? {}).filter((key) => key !== "$")[0];
}

describe("Atom entry and feed documents", () => {
  it("writes an entry whose content root is the description and whose id is the entity URL", async () => {
    const parsed = await sdkParse(atomEntryDocument(entry("orders")));
    expect(parsed.entry.id).toBe("https://127.0.0.1:5300/orders?api-version=2021-05");
    expect(parsed.entry.title).toEqual({ $: { type: "text" }, _: "orders" });
    expect(sdkContentRoot(parsed.entry)).toBe("QueueDescription");
    expect(parsed.entry.content.QueueDescription.LockDuration).toBe("PT1M");
  });

  it("writes compact XML: no whitespace text that the SDK (trimValues: false) would see as content", () => {
    expect(atomEntryDocument(entry("q"))).not.toMatch(/>\s+</);
  });

  it("writes a feed of several entries with self and next links as an array (needed for the SDK's paging)", async () => {
    const parsed = await sdkParse(
      atomFeedDocument({
        url: "https://h/$Resources/Queues?api-version=2021-05",
        title: "Queues",
        updated: AT,
        entries: [entry("a"), entry("b")],
        nextUrl: "https://h/$Resources/Queues?api-version=2021-05&$skip=2&$top=2",
      }),
    );
    expect(parsed.feed.entry.map((each: Record<string, any>) => each.title._)).toEqual(["a", "b"]);
    expect(parsed.feed.link).toEqual([
      { $: { rel: "self", href: "https://h/$Resources/Queues?api-version=2021-05" } },
      { $: { rel: "next", href: "https://h/$Resources/Queues?api-version=2021-05&$skip=2&$top=2" } },
    ]);
    expect(new URL(parsed.feed.link[1].$.href).searchParams.get("$skip")).toBe("2");
  });

  it("writes a feed of one entry and an empty feed", async () => {
    const one = await sdkParse(atomFeedDocument({ url: "https://h/x", title: "Queues", updated: AT, entries: [entry("only")] }));
    expect(sdkContentRoot(one.feed.entry)).toBe("QueueDescription");
    const empty = await sdkParse(atomFeedDocument({ url: "https://h/x", title: "Publicly Listed Services", updated: AT, entries: [] }));
    expect(empty.feed).not.toHaveProperty("entry");
  });

  it("writes the <Error> document whose Detail the SDK reports", async () => {
    expect(await sdkParse(errorDocument(409, "The messaging entity 'q' already exists & more"))).toEqual({
      Error: { Code: "409", Detail: "The messaging entity 'q' already exists & more" },
    });
  });
});

describe("reading PUT bodies", () => {
  it("finds the description of an SDK entry body", async () => {
    const { name, description } = readEntryContent(await parseXmlDocument(sdkEntryBody("TopicDescription", { MaxSizeInMegabytes: "1024" })));
    expect(name).toBe("TopicDescription");
    expect(description).toMatchObject({ MaxSizeInMegabytes: "1024" });
  });

  it("ignores namespace prefixes on the envelope", async () => {
    const body =
      '<a:entry xmlns:a="http://www.w3.org/2005/Atom"><a:content type="application/xml"><sb:QueueDescription xmlns:sb="x"><sb:LockDuration>PT2M</sb:LockDuration></sb:QueueDescription></a:content></a:entry>';
    const { name, description } = readEntryContent(await parseXmlDocument(body));
    expect(name).toBe("QueueDescription");
    expect(description).toMatchObject({ "sb:LockDuration": "PT2M" });
  });

  it.each([
    ["not XML", "<entry><content>"],
    ["a DOCTYPE", '<!DOCTYPE x [<!ENTITY a "b">]><entry/>'],
    ["no content", '<entry xmlns="http://www.w3.org/2005/Atom"><title>x</title></entry>'],
    ["not an entry", "<feed><content><QueueDescription/></content></feed>"],
  ])("refuses %s with 400", async (_case, body) => {
    const error = await parseXmlDocument(body)
      .then(readEntryContent)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(AdminError);
    expect((error as AdminError).status).toBe(400);
  });
});

describe("xml-writer", () => {
  it("escapes text and attributes, skips undefined children and attributes", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
    expect(xmlElement("e", { a: "1 & 2", b: undefined }, undefined, xmlText("t", "<x>"), xmlText("u", undefined))).toBe(
      '<e a="1 &amp; 2"><t>&lt;x&gt;</t></e>',
    );
    expect(xmlElement("empty", {})).toBe("<empty/>");
  });
});
