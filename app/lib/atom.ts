/**
 * An Atom 1.0 document (RFC 4287), written here rather than by the `feed` package: that package
 * writes every entry's title and summary as `type="html"` inside CDATA (a title is then markup to
 * a reader, and a second `]]>` breaks out of the section). Here every piece of text is
 * `type="text"`, escaped, and stripped of the characters XML 1.0 does not allow (decision 046).
 */

export interface AtomEntry {
  /** A permanent IRI; the entry's page serves. */
  id: string;
  title: string;
  /** The entry's page (`rel="alternate"`). */
  link: string;
  updated: Date;
  published?: Date;
  summary?: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle?: string;
  /** The site's page for the feed (`rel="alternate"`). */
  link: string;
  /** The feed's own address (`rel="self"`). */
  self: string;
  updated: Date;
  author: { name: string; uri?: string };
  rights?: string;
  language?: string;
  entries: AtomEntry[];
}

// Characters XML 1.0 allows (its production `Char`): tab, line feed, carriage return, and
// U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF. Everything else (other C0 controls, lone
// surrogates, U+FFFE and U+FFFF) cannot be written at all, not even as a character reference.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as XML 1.0 can carry it: characters it does not allow are removed. */
export function xmlCharacters(text: string): string {
  return text.replace(NOT_XML_CHAR, "");
}

/** Escapes text for element content or a double-quoted attribute; `\r` and tabs survive parsing as references. */
export function escapeXml(text: string): string {
  return xmlCharacters(text).replace(/[&<>"\r\t\n]/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  // A parser turns a literal CR (or CR LF) into LF, and tabs and line feeds in attributes into
  // spaces: references keep the text exactly as it was.
  "\r": "&#13;",
  "\t": "&#9;",
  "\n": "&#10;",
};

function textElement(name: string, text: string, indent: string): string {
  return `${indent}<${name} type="text">${escapeXml(text)}</${name}>`;
}

function element(name: string, text: string, indent: string): string {
  return `${indent}<${name}>${escapeXml(text)}</${name}>`;
}

function link(rel: string, href: string, indent: string, type?: string): string {
  return `${indent}<link rel="${rel}"${type ? ` type="${escapeXml(type)}"` : ""} href="${escapeXml(href)}"/>`;
}

/** Writes the feed as one UTF-8 XML document. */
export function atomFeed(feed: AtomFeed): string {
  const lines = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom"${feed.language ? ` xml:lang="${escapeXml(feed.language)}"` : ""}>`,
    element("id", feed.id, "  "),
    textElement("title", feed.title, "  "),
    ...(feed.subtitle ? [textElement("subtitle", feed.subtitle, "  ")] : []),
    element("updated", feed.updated.toISOString(), "  "),
    link("alternate", feed.link, "  ", "text/html"),
    link("self", feed.self, "  ", "application/atom+xml"),
    "  <author>",
    element("name", feed.author.name, "    "),
    ...(feed.author.uri ? [element("uri", feed.author.uri, "    ")] : []),
    "  </author>",
    ...(feed.rights ? [textElement("rights", feed.rights, "  ")] : []),
  ];
  for (const entry of feed.entries) {
    lines.push(
      "  <entry>",
      element("id", entry.id, "    "),
      textElement("title", entry.title, "    "),
      element("updated", entry.updated.toISOString(), "    "),
      ...(entry.published ? [element("published", entry.published.toISOString(), "    ")] : []),
      link("alternate", entry.link, "    ", "text/html"),
      ...(entry.summary ? [textElement("summary", entry.summary, "    ")] : []),
      "  </entry>",
    );
  }
  lines.push("</feed>", "");
  return lines.join("\n");
}
