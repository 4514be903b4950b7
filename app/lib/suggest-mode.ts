import { Extension } from "@tiptap/core";
import type { Mark, MarkType, Node as ProseMirrorNode } from "@tiptap/pm/model";
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { syncSelectionFromDom } from "./selection-sync";
import { SUGGESTION_DELETE, SUGGESTION_INSERT, suggestionAttrsOf, type SuggestionIdentity, type SuggestionSummary } from "./suggestions";

/**
 * Suggesting mode in the editor: typing becomes a suggested insertion, deleting marks words as a
 * suggested deletion (deleting one's own suggested words removes them), and every other local
 * change (formatting, new paragraphs, a drop) is held back with a word of why. Only local input is
 * turned into suggestions: transactions that y-prosemirror makes for remote Yjs changes pass
 * untouched (they carry its plugin key).
 */
export interface SuggestModeOptions {
  identity: SuggestionIdentity | null;
  /** Whether Suggesting is on now (read at every keystroke). */
  isOn: () => boolean;
  /** A change that cannot be a suggestion was held back: say why. */
  onHeldBack: (words: string) => void;
}

const OWN_CHANGE = "suggestModeChange";

/** Whether Suggesting is on, read by the plugin at each keystroke and set by the page. */
export class SuggestSwitch {
  constructor(private on: boolean) {}
  set(on: boolean): void {
    this.on = on;
  }
  isOn(): boolean {
    return this.on;
  }
}
export const suggestModeKey = new PluginKey("suggestMode");

/** Whether this editor is in Suggesting mode now (false where the plugin is absent, as on the server). */
export function isSuggesting(state: EditorState): boolean {
  const spec = suggestModeKey.get(state)?.spec as { isOn?: () => boolean } | undefined;
  return spec?.isOn?.() ?? false;
}

function newId(): string {
  return Math.random().toString(36).slice(2, 12);
}

const markOf = (node: ProseMirrorNode | null | undefined, name: string): Mark | undefined => node?.marks.find((m) => m.type.name === name);

function isOwn(mark: Mark | undefined, identity: SuggestionIdentity): boolean {
  return Boolean(mark && mark.attrs.by === identity.personId);
}

/** Marks `from`–`to` as a suggested deletion; the person's own suggested words there go. */
function suggestDeletion(tr: Transaction, from: number, to: number, identity: SuggestionIdentity, type: MarkType) {
  const ranges: { from: number; to: number; remove: boolean }[] = [];
  tr.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isText) return true;
    if (markOf(node, SUGGESTION_DELETE)) return false;
    ranges.push({
      from: Math.max(from, pos),
      to: Math.min(to, pos + node.nodeSize),
      remove: isOwn(markOf(node, SUGGESTION_INSERT), identity),
    });
    return false;
  });
  // One suggestion for consecutive deletions: reuse the id of an own deletion just beside.
  const beside = markOf(tr.doc.resolve(from).nodeBefore, SUGGESTION_DELETE) ?? markOf(tr.doc.resolve(to).nodeAfter, SUGGESTION_DELETE);
  const id = beside && isOwn(beside, identity) ? String(beside.attrs.id) : newId();
  for (const range of ranges.reverse()) {
    if (range.remove) tr.delete(range.from, range.to);
    else tr.addMark(range.from, range.to, type.create(suggestionAttrsOf(identity, id)));
  }
}

function suggestTyping(state: EditorState, from: number, to: number, text: string, identity: SuggestionIdentity): Transaction {
  const tr = state.tr;
  const { schema } = state;
  let at = to;
  if (from < to) {
    suggestDeletion(tr, from, to, identity, schema.marks[SUGGESTION_DELETE]!);
    at = tr.mapping.map(to);
  }
  const $at = tr.doc.resolve(at);
  const before = markOf($at.nodeBefore, SUGGESTION_INSERT);
  const id = before && isOwn(before, identity) ? String(before.attrs.id) : newId();
  const carried = (state.storedMarks ?? $at.marks()).filter((m) => m.type.name !== SUGGESTION_INSERT && m.type.name !== SUGGESTION_DELETE);
  const mark = schema.marks[SUGGESTION_INSERT]!.create(suggestionAttrsOf(identity, id));
  tr.insert(at, schema.text(text, [...carried, mark]));
  tr.setSelection(TextSelection.create(tr.doc, at + text.length));
  return tr.setMeta(OWN_CHANGE, true).scrollIntoView();
}

/** Backspace (`back`) or Delete at the caret or over the selection. */
function suggestDelete(view: EditorView, back: boolean, identity: SuggestionIdentity, heldBack: (w: string) => void): boolean {
  const { state } = view;
  const type = state.schema.marks[SUGGESTION_DELETE]!;
  const tr = state.tr;
  const { from, to, empty, $from } = state.selection;
  if (!empty) {
    suggestDeletion(tr, from, to, identity, type);
    tr.setSelection(TextSelection.create(tr.doc, tr.mapping.map(back ? from : to)));
    view.dispatch(tr.setMeta(OWN_CHANGE, true));
    return true;
  }
  // Past words already suggested for deletion, to the next character that is not.
  let pos = from;
  const start = $from.start();
  const end = $from.end();
  const deleted = (p: number, side: -1 | 1) => {
    const $p = state.doc.resolve(p);
    return Boolean(markOf(side < 0 ? $p.nodeBefore : $p.nodeAfter, SUGGESTION_DELETE));
  };
  if (back) while (pos > start && deleted(pos, -1)) pos--;
  else while (pos < end && deleted(pos, 1)) pos++;
  if ((back && pos === start) || (!back && pos === end)) {
    if (pos !== from) view.dispatch(state.tr.setSelection(TextSelection.create(state.doc, pos)));
    else heldBack("In Suggesting mode paragraphs cannot be joined. Select words to suggest deleting them.");
    return true;
  }
  const range = back ? [pos - 1, pos] : [pos, pos + 1];
  suggestDeletion(tr, range[0]!, range[1]!, identity, type);
  tr.setSelection(TextSelection.create(tr.doc, tr.mapping.map(back ? range[0]! : range[1]!)));
  view.dispatch(tr.setMeta(OWN_CHANGE, true).scrollIntoView());
  return true;
}

export function createSuggestMode(options: SuggestModeOptions) {
  return Extension.create({
    name: "suggestMode",
    addProseMirrorPlugins() {
      const identity = options.identity;
      const on = () => identity !== null && options.isOn();
      return [
        new Plugin({
          key: suggestModeKey,
          isOn: on,
          filterTransaction(tr) {
            if (!on() || !tr.docChanged || tr.getMeta(OWN_CHANGE) || tr.getMeta(ySyncPluginKey)) return true;
            options.onHeldBack(
              "In Suggesting mode you can type and delete words. Formatting, new paragraphs, lists and headings cannot be suggested yet: describe them in a comment.",
            );
            return false;
          },
          props: {
            handleTextInput(view, from, to, text) {
              if (!on()) return false;
              view.dispatch(suggestTyping(view.state, from, to, text, identity!));
              return true;
            },
            handleKeyDown(view, event) {
              if (!on()) return false;
              if (event.key === "Backspace" || event.key === "Delete") {
                event.preventDefault();
                syncSelectionFromDom(view);
                return suggestDelete(view, event.key === "Backspace", identity!, options.onHeldBack);
              }
              return false;
            },
            handlePaste(view, _event, slice) {
              if (!on()) return false;
              const text = slice.content.textBetween(0, slice.content.size, " ");
              if (text) view.dispatch(suggestTyping(view.state, view.state.selection.from, view.state.selection.to, text, identity!));
              return true;
            },
            handleDrop() {
              return on();
            },
            handleDOMEvents: {
              cut(view, event) {
                if (!on()) return false;
                syncSelectionFromDom(view);
                const { from, to, empty } = view.state.selection;
                if (empty) return true;
                event.clipboardData?.setData("text/plain", view.state.doc.textBetween(from, to, "\n"));
                event.preventDefault();
                return suggestDelete(view, true, identity!, options.onHeldBack);
              },
            },
          },
        }),
      ];
    },
  });
}

/** The open suggestions of an editor's document, in document order, with where each starts. */
export function suggestionsIn(doc: ProseMirrorNode): (SuggestionSummary & { from: number })[] {
  const found = new Map<string, SuggestionSummary & { from: number }>();
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    for (const [name, kind] of [
      [SUGGESTION_INSERT, "insert"],
      [SUGGESTION_DELETE, "delete"],
    ] as const) {
      const mark = markOf(node, name);
      if (!mark) continue;
      const id = `${kind}:${String(mark.attrs.id)}`;
      const existing = found.get(id);
      if (existing) existing.text += node.text ?? "";
      else
        found.set(id, {
          id,
          kind,
          by: String(mark.attrs.by),
          name: String(mark.attrs.name),
          orgId: (mark.attrs.orgId as string | null) ?? null,
          org: (mark.attrs.org as string | null) ?? null,
          text: node.text ?? "",
          from: pos,
        });
    }
    return false;
  });
  return [...found.values()];
}
