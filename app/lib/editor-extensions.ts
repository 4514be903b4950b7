import { Mark, type AnyExtension } from "@tiptap/core";
import { SUGGESTION_DELETE, SUGGESTION_INSERT, suggesterLabel } from "./suggestions";
import Link from "@tiptap/extension-link";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";

/** Link targets a proposal may hold: the web and mail, nothing that runs code. */
export const allowedLinkProtocols = ["http", "https", "mailto"] as const;

export function isAllowedLink(href: string): boolean {
  try {
    const url = new URL(href);
    return allowedLinkProtocols.some((p) => url.protocol === `${p}:`);
  } catch {
    return false;
  }
}

const suggestionAttributes = {
  id: { default: "" },
  by: { default: "" },
  name: { default: "" },
  orgId: { default: null },
  org: { default: null },
};

function suggestionLabel(kind: "insertion" | "deletion", attrs: Record<string, unknown>): string {
  const name = typeof attrs.name === "string" ? attrs.name : "someone";
  const org = typeof attrs.org === "string" ? attrs.org : null;
  return `Suggested ${kind} by ${suggesterLabel({ name, org })}`;
}

/**
 * A suggested insertion: shown underlined and tinted, labelled with its author. Not inclusive, so
 * typing next to it does not join it; it never crosses a block (a mark lives in one text block).
 */
export const SuggestionInsert = Mark.create({
  name: SUGGESTION_INSERT,
  inclusive: false,
  addAttributes: () => suggestionAttributes,
  parseHTML: () => [{ tag: "ins[data-suggestion]" }],
  renderHTML: ({ mark }) => [
    "ins",
    {
      class: "suggestion suggestion-insert",
      "data-suggestion": `insert:${String(mark.attrs.id)}`,
      title: suggestionLabel("insertion", mark.attrs),
    },
    0,
  ],
});

/** A suggested deletion: the words stay, struck through (not only coloured), labelled. */
export const SuggestionDelete = Mark.create({
  name: SUGGESTION_DELETE,
  inclusive: false,
  addAttributes: () => suggestionAttributes,
  parseHTML: () => [{ tag: "del[data-suggestion]" }],
  renderHTML: ({ mark }) => [
    "del",
    {
      class: "suggestion suggestion-delete",
      "data-suggestion": `delete:${String(mark.attrs.id)}`,
      title: suggestionLabel("deletion", mark.attrs),
    },
    0,
  ],
});

/**
 * The proposal body's schema: headings, paragraphs, bold, italic, lists, links, block quotes and
 * tables. Shared by the editor (browser) and the collaboration server (derived JSON/HTML/text), so
 * both read the Yjs document through the same schema. Undo/redo is left to the collaboration
 * extension (StarterKit's own history would undo other people's edits).
 */
export function proposalExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      undoRedo: false,
      heading: { levels: [2, 3, 4] },
      code: false,
      codeBlock: false,
      link: false,
    }),
    // Not inclusive: text typed right after a link does not extend it (Tiptap makes a link
    // inclusive whenever autolink is on).
    Link.extend({ inclusive: () => false }).configure({
      openOnClick: false,
      autolink: true,
      protocols: ["mailto"],
      defaultProtocol: "https",
      isAllowedUri: (url) => isAllowedLink(url),
      HTMLAttributes: { rel: "noopener noreferrer nofollow", target: null },
    }),
    TableKit.configure({ table: { resizable: false } }),
    SuggestionInsert,
    SuggestionDelete,
  ];
}
