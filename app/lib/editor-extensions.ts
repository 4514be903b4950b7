import { Mark, type AnyExtension } from "@tiptap/core";
import { SUGGESTION_DELETE, SUGGESTION_INSERT, suggesterLabel } from "./suggestions";
import { Blockquote } from "@tiptap/extension-blockquote";
import { Bold } from "@tiptap/extension-bold";
import { Document } from "@tiptap/extension-document";
import { HardBreak } from "@tiptap/extension-hard-break";
import { Heading } from "@tiptap/extension-heading";
import { HorizontalRule } from "@tiptap/extension-horizontal-rule";
import { Italic } from "@tiptap/extension-italic";
import { BulletList } from "@tiptap/extension-list/bullet-list";
import { ListItem } from "@tiptap/extension-list/item";
import { ListKeymap } from "@tiptap/extension-list/keymap";
import { OrderedList } from "@tiptap/extension-list/ordered-list";
import { Paragraph } from "@tiptap/extension-paragraph";
import { Strike } from "@tiptap/extension-strike";
import { Text } from "@tiptap/extension-text";
import { Underline } from "@tiptap/extension-underline";
import { Dropcursor } from "@tiptap/extensions/drop-cursor";
import { Gapcursor } from "@tiptap/extensions/gap-cursor";
import { TrailingNode } from "@tiptap/extensions/trailing-node";
import { Link } from "./editor-link";
import { ProposalTables } from "./editor-tables";

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
 * extension (a local history would undo other people's edits).
 */
export function proposalExtensions(): AnyExtension[] {
  return [
    // StarterKit's extensions that the product uses, each imported by itself and in StarterKit's
    // order (the schema's order), so the browser is not sent code blocks, inline code, task lists
    // and the other extensions StarterKit and its packages bring along.
    Bold,
    Blockquote,
    BulletList,
    Document,
    Dropcursor,
    Gapcursor,
    HardBreak,
    Heading.configure({ levels: [2, 3, 4] }),
    HorizontalRule,
    Italic,
    ListItem,
    ListKeymap,
    OrderedList,
    Paragraph,
    Strike,
    Text,
    Underline,
    TrailingNode,
    Link,
    ProposalTables,
    SuggestionInsert,
    SuggestionDelete,
  ];
}
