import { getSchema, type JSONContent } from "@tiptap/core";
import type { DOMOutputSpec, Mark, Node as ProseMirrorNode } from "@tiptap/pm/model";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import sanitizeHtml from "sanitize-html";
import * as Y from "yjs";
import { isAllowedLink } from "../../app/lib/editor-link";
import { proposalExtensions } from "../../app/lib/editor-extensions";
import type { DerivedBody } from "../../db/queries/proposal-documents";
import { storableJson } from "../../db/storable-text";
import { SUGGESTION_DELETE, SUGGESTION_INSERT } from "../../app/lib/suggestions";

/** The Yjs XML fragment that holds the text (Tiptap's default name: outside tools find it). */
export const BODY_FRAGMENT = "default";

const extensions = proposalExtensions();
const schema = getSchema(extensions);

/** Rich text reaches HTML only through the schema, then this allow-list. */
const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "strong",
    "em",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "colgroup",
    "col",
  ],
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

/** The text's own top heading level: the editor offers h2, h3 and h4. */
const TEXT_TOP_HEADING = 2;
const displayOptions = new Map<number, sanitizeHtml.IOptions>();

/**
 * Stored HTML made ready to show inside a page: the allow-list, and the text's headings moved so
 * that its top level sits one below `sectionLevel`, the heading of the page section that holds it
 * (under an h2, the text's h2 becomes h3, its h3 h4, and so on, never past h6). The one place every
 * page that shows a proposal's text (the public position, the round, the history) gets it from.
 */
export function displayBodyHtml(html: string, sectionLevel: number): string {
  if (!html) return "";
  const shift = Math.max(0, Math.min(4, Math.trunc(sectionLevel) + 1 - TEXT_TOP_HEADING));
  let options = displayOptions.get(shift);
  if (!options) {
    const headings: Record<string, sanitizeHtml.Transformer> = {};
    for (const level of [2, 3, 4]) {
      headings[`h${level}`] = (_tagName, attribs) => ({ tagName: `h${Math.min(6, level + shift)}`, attribs });
    }
    options = {
      ...sanitizeOptions,
      allowedTags: [...(sanitizeOptions.allowedTags || []), "h5", "h6"],
      transformTags: { ...sanitizeOptions.transformTags, ...headings },
    };
    displayOptions.set(shift, options);
  }
  return sanitizeHtml(html, options);
}

const VOID_TAGS = new Set(["br", "hr", "col", "img"]);

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, "&quot;");
}

/** Serializes a schema's DOMOutputSpec (tag, attributes, children, 0 = the content hole). */
function specToHtml(spec: DOMOutputSpec, inner: string): string {
  if (typeof spec === "string") return escapeText(spec);
  if (!Array.isArray(spec)) return inner;
  const [rawTag, ...rest] = spec as readonly unknown[];
  const tag = String(rawTag).split(" ").pop()!;
  let attributes = "";
  let start = 0;
  const first = rest[0];
  if (first && typeof first === "object" && !Array.isArray(first)) {
    start = 1;
    for (const [name, value] of Object.entries(first as Record<string, unknown>)) {
      if (value === null || value === undefined || value === false) continue;
      attributes += ` ${name}="${escapeAttribute(String(value))}"`;
    }
  }
  if (VOID_TAGS.has(tag)) return `<${tag}${attributes}>`;
  const children = rest
    .slice(start)
    .map((child) => (child === 0 ? inner : specToHtml(child as DOMOutputSpec, inner)))
    .join("");
  return `<${tag}${attributes}>${children}</${tag}>`;
}

function markedText(text: string, marks: readonly Mark[]): string {
  let html = escapeText(text);
  for (const mark of [...marks].reverse()) {
    const toDOM = mark.type.spec.toDOM;
    if (toDOM) html = specToHtml(toDOM(mark, true), html);
  }
  return html;
}

/**
 * HTML through the schema: each node and mark is written by its own spec's toDOM (what the
 * editor itself would render), without a DOM. (Tiptap's static renderer does the same but costs
 * milliseconds per call, which hundreds of documents typed in at once cannot afford.)
 */
function nodeToHtml(node: ProseMirrorNode): string {
  if (node.isText) return markedText(node.text ?? "", node.marks);
  let inner = "";
  node.forEach((child) => {
    inner += nodeToHtml(child);
  });
  if (node.type.name === "doc") return inner;
  const toDOM = node.type.spec.toDOM;
  return toDOM ? specToHtml(toDOM(node), inner) : inner;
}

/** Sanitized HTML for a ProseMirror JSON document of the proposal schema. */
export function renderBodyHtml(json: JSONContent): string {
  let html: string;
  try {
    html = nodeToHtml(schema.nodeFromJSON(json));
  } catch {
    // A node the schema does not know renders as nothing rather than breaking the page; the Yjs
    // state keeps it.
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
 * The accepted text of a ProseMirror JSON document: pending suggested insertions left out,
 * pending suggested deletions kept as plain text. This is what is voted on, searched, listed and
 * compared; the suggestions themselves live only in the Yjs document.
 */
export function acceptedJson(json: JSONContent): JSONContent {
  const strip = (node: JSONContent): JSONContent | null => {
    if (node.type === "text") {
      const marks = node.marks ?? [];
      if (marks.some((m) => m.type === SUGGESTION_INSERT)) return null;
      const kept = marks.filter((m) => m.type !== SUGGESTION_DELETE);
      const { marks: _marks, ...rest } = node;
      return kept.length > 0 ? { ...rest, marks: kept } : rest;
    }
    if (!node.content) return node;
    const content: JSONContent[] = [];
    for (const child of node.content) {
      const kept = strip(child);
      if (!kept) continue;
      const last = content[content.length - 1];
      // Text split only by a suggestion mark joins again, so the accepted text is one canonical JSON.
      if (last?.type === "text" && kept.type === "text" && JSON.stringify(last.marks ?? []) === JSON.stringify(kept.marks ?? [])) {
        content[content.length - 1] = { ...last, text: (last.text ?? "") + (kept.text ?? "") };
      } else content.push(kept);
    }
    return { ...node, content };
  };
  return strip(json) ?? { type: "doc", content: [] };
}

/**
 * The Yjs document as ProseMirror JSON, suggestions included (the editor's view of it). The one
 * place the derived forms start from, so the one place that makes them storable: any client may
 * write U+0000 or half a surrogate pair into the text or into an attribute (a link's target),
 * which PostgreSQL refuses; each becomes U+FFFD.
 */
export function documentJson(doc: Y.Doc): JSONContent {
  try {
    // Built through the schema: a node the schema does not know is left out, not trusted.
    return storableJson(yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(BODY_FRAGMENT), schema).toJSON() as JSONContent);
  } catch {
    return { type: "doc", content: [] };
  }
}

/**
 * The derived forms of a Yjs document's accepted text: ProseMirror JSON (through the schema:
 * unknown nodes are dropped), sanitized HTML and plain text.
 */
export function deriveBody(doc: Y.Doc): DerivedBody {
  const json = acceptedJson(documentJson(doc));
  return { json, html: renderBodyHtml(json), text: plainText(json) };
}

/** The derived forms of a stored Yjs state (a revision, a snapshot). */
export function deriveBodyFromState(state: Uint8Array): DerivedBody {
  return derive({ updates: [state], body: true, state: false }).body!;
}

/** What to compute from a document's updates (see `derive`): the derive worker's one job. */
export interface DeriveJob {
  /** A snapshot and log rows in order, or one encoded state. */
  updates: Uint8Array[];
  /** The derived body. */
  body: boolean;
  /** The folded state (one update, garbage-collected), as compaction and revisions store it. */
  state: boolean;
}

export interface DeriveResult {
  body: DerivedBody | null;
  state: Uint8Array | null;
}

/**
 * Folds updates into a fresh, garbage-collected document and returns what the job asks for. The
 * same function runs in the derive worker (derive-worker.ts) and, when there is none, inline.
 */
export function derive(job: DeriveJob): DeriveResult {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.transact(doc, () => {
      for (const update of job.updates) Y.applyUpdate(doc, update);
    });
    return { body: job.body ? deriveBody(doc) : null, state: job.state ? Y.encodeStateAsUpdate(doc) : null };
  } finally {
    doc.destroy();
  }
}
