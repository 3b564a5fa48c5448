/**
 * The Atom envelopes of the management API: an `entry` around one description, a `feed` of entries (with a
 * `next` link for paging), the `<Error>` document of failures, and reading the description out of a PUT body.
 *
 * The SDK (`atomXmlHelper.ts`) takes an entry's first `content` child as the description and the entity names
 * from the path of its `id` URL (`.../<topic>/Subscriptions/<sub>/Rules/<rule>`); it finds the next page only
 * when the feed's `link` elements parse as an array, so a feed with a next link always carries `self` too.
 */
import { AdminError } from "./admin-errors.js";
import { formatTimestamp } from "./description-values.js";
import type { XmlObject } from "./xml-reader.js";
import { localName, xmlChild, xmlChildNames } from "./xml-reader.js";
import { XML_DECLARATION, xmlElement, xmlText } from "./xml-writer.js";

const ATOM_NAMESPACE = "http://www.w3.org/2005/Atom";

/** Content type of an entry response. */
export const ATOM_ENTRY_CONTENT_TYPE = "application/atom+xml;type=entry;charset=utf-8";
/** Content type of a feed response. */
export const ATOM_FEED_CONTENT_TYPE = "application/atom+xml;type=feed;charset=utf-8";
/** Content type of an error response. */
export const XML_CONTENT_TYPE = "application/xml;charset=utf-8";

/** One entity as an Atom entry. */
export interface AtomEntry {
  /** The entity's URL, `https://host:port/<path>?api-version=...`: the entry's `id` and `self` link. */
  url: string;
  /** The entity's name (the last segment of its path). */
  title: string;
  published: Date;
  updated: Date;
  /** The namespace name, as the entry's author. */
  author: string;
  /** The serialised description element (`QueueDescription`, `RuleDescription`, ...). */
  content: string;
}

/** A list of entries. */
export interface AtomFeed {
  /** The list's URL: the feed's `id` and `self` link. */
  url: string;
  title: string;
  updated: Date;
  entries: readonly AtomEntry[];
  /** The URL of the next page, when there is one. */
  nextUrl?: string;
}

/** An entry document, as a GET or PUT of one entity returns it. */
export function atomEntryDocument(entry: AtomEntry): string {
  return XML_DECLARATION + writeEntry(entry, true);
}

/** A feed document, as a list (or a GET of a missing entity: an empty feed) returns it. */
export function atomFeedDocument(feed: AtomFeed): string {
  return (
    XML_DECLARATION +
    xmlElement(
      "feed",
      { xmlns: ATOM_NAMESPACE },
      xmlText("title", feed.title, { type: "text" }),
      xmlText("id", feed.url),
      xmlText("updated", formatTimestamp(feed.updated)),
      xmlElement("link", { rel: "self", href: feed.url }),
      feed.nextUrl === undefined ? undefined : xmlElement("link", { rel: "next", href: feed.nextUrl }),
      ...feed.entries.map((entry) => writeEntry(entry, false)),
    )
  );
}

/** The body of an error response; the SDK reports `Detail` as the error's message. */
export function errorDocument(status: number, detail: string): string {
  return XML_DECLARATION + xmlElement("Error", {}, xmlText("Code", status), xmlText("Detail", detail));
}

/**
 * The description a PUT body carries: `<entry><content><QueueDescription>...` -> `QueueDescription` and its
 * element (compared by local name, so prefixes do not matter).
 *
 * @throws AdminError 400 when the document is not an Atom entry with a content element.
 */
export function readEntryContent(document: XmlObject): { name: string; description: unknown } {
  const entry = xmlChild(document, "entry");
  const content = xmlChild(entry, "content");
  const name = xmlChildNames(content)[0];
  if (entry === undefined || name === undefined) {
    throw AdminError.invalid("The request body must be an Atom entry whose content holds an entity description.");
  }
  return { name: localName(name), description: xmlChild(content, localName(name)) };
}

function writeEntry(entry: AtomEntry, isDocumentRoot: boolean): string {
  return xmlElement(
    "entry",
    { xmlns: isDocumentRoot ? ATOM_NAMESPACE : undefined },
    xmlText("id", entry.url),
    xmlText("title", entry.title, { type: "text" }),
    xmlText("published", formatTimestamp(entry.published)),
    xmlText("updated", formatTimestamp(entry.updated)),
    xmlElement("author", {}, xmlText("name", entry.author)),
    xmlElement("link", { rel: "self", href: entry.url }),
    xmlElement("content", { type: "application/xml" }, entry.content),
  );
}
