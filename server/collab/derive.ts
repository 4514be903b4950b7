import { getSchema, type JSONContent } from "@tiptap/core";
import { renderToHTMLString } from "@tiptap/static-renderer";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import sanitizeHtml from "sanitize-html";
import * as Y from "yjs";
import { isAllowedLink, proposalExtensions } from "../../app/lib/editor-extensions";
import type { DerivedBody } from "../../db/queries/proposal-documents";

/** The Yjs XML fragment that holds the text (Tiptap's default name: outside tools find it). */
export const BODY_FRAGMENT = "default";

const extensions = proposalExtensions();
const schema = getSchema(extensions);

/** Rich text reaches HTML only through the schema, then this allow-list. */
const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: ["h2", "h3", "h4", "p", "br", "strong", "em", "u", "s", "ul", "ol", "li", "blockquote", "a", "hr", "table", "thead", "tbody", "tr", "th", "td", "colgroup", "col"],
  allowedAttributes: { a: ["href", "rel"], th: ["colspan", "rowspan"], td: ["colspan", "rowspan"], ol: ["start"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href && isAllowedLink(attribs.href) ? attribs.href : undefined;
      const attributes: sanitizeHtml.Attributes = href ? { href, rel: "noopener noreferrer nofollow" } : {};
      return { tagName, attribs: attributes };
    },
  },
};

/** The allow-list alone (for HTML read back from storage). */
export function sanitizeBodyHtml(html: string): string {
  return sanitizeHtml(html, sanitizeOptions);
}

/** Sanitized HTML for a ProseMirror JSON document of the proposal schema. */
export function renderBodyHtml(json: JSONContent): string {
  let html: string;
  try {
    html = renderToHTMLString({ extensions, content: json });
  } catch {
    // A node the schema does not know (written by an outside tool) renders as nothing rather than
    // breaking the page; the Yjs state keeps it.
    html = "";
  }
  return sanitizeHtml(html, sanitizeOptions);
}

/** Plain text: blocks separated by blank lines, list items and table cells kept apart. */
export function plainText(json: JSONContent): string {
  const blocks: string[] = [];
  const inline = (node: JSONContent): string => {
    if (node.type === "text") return node.text ?? "";
    if (node.type === "hardBreak") return "\n";
    return (node.content ?? []).map(inline).join("");
  };
  const walk = (node: JSONContent, prefix = "") => {
    switch (node.type) {
      case "paragraph":
      case "heading":
        blocks.push(prefix + inline(node));
        return;
      case "tableRow":
        blocks.push((node.content ?? []).map((cell) => (cell.content ?? []).map(inline).join(" ")).join(" | "));
        return;
      case "listItem": {
        const [first, ...rest] = node.content ?? [];
        if (first) walk(first, prefix || "- ");
        for (const child of rest) walk(child, "  ");
        return;
      }
      default:
        for (const child of node.content ?? []) walk(child, node.type === "blockquote" ? "> " : "");
    }
  };
  walk(json);
  return blocks.filter((b) => b.trim() !== "").join("\n\n");
}

/**
 * The derived forms of a Yjs document: ProseMirror JSON (through the schema: unknown nodes are
 * dropped), sanitized HTML and plain text.
 */
export function deriveBody(doc: Y.Doc): DerivedBody {
  let json: JSONContent;
  try {
    // Built through the schema: a node the schema does not know is left out, not trusted.
    json = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(BODY_FRAGMENT), schema).toJSON() as JSONContent;
  } catch {
    json = { type: "doc", content: [] };
  }
  return { json, html: renderBodyHtml(json), text: plainText(json) };
}

/** The derived forms of a stored Yjs state (a revision, a snapshot). */
export function deriveBodyFromState(state: Uint8Array): DerivedBody {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return deriveBody(doc);
  } finally {
    doc.destroy();
  }
}
