import { Extension } from "@tiptap/core";
import { Plugin, PluginKey, TextSelection } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";

/**
 * Brings the editor's selection up to date with the page's before a command reads it. The browser
 * reports caret moves in a later task (`selectionchange`) and runs key presses first, so a key
 * press right after Shift+Arrow would otherwise act on the selection before it (a Backspace over
 * four selected letters removed three).
 */
export function syncSelectionFromDom(view: EditorView): void {
  // Only a text selection is read back: node and table-cell selections are the editor's own.
  if (view.composing || !(view.state.selection instanceof TextSelection)) return;
  const dom = view.dom.ownerDocument.getSelection();
  if (!dom?.anchorNode || !dom.focusNode || !view.dom.contains(dom.anchorNode) || !view.dom.contains(dom.focusNode)) return;
  let anchor: number;
  let head: number;
  try {
    anchor = view.posAtDOM(dom.anchorNode, dom.anchorOffset);
    head = view.posAtDOM(dom.focusNode, dom.focusOffset);
  } catch {
    return; // Not a place in the document (inside a caret label): keep the editor's own selection.
  }
  const { selection, doc } = view.state;
  if (anchor < 0 || head < 0 || anchor > doc.content.size || head > doc.content.size) return;
  if (selection.anchor === anchor && selection.head === head) return;
  view.dispatch(view.state.tr.setSelection(TextSelection.between(doc.resolve(anchor), doc.resolve(head))));
}

/**
 * Every key press, paste and cut starts from the page's selection: runs before the editor's own
 * handling (the keymaps' Backspace, Enter, the suggestions' Backspace; a paste replaces the
 * selection), which reads the editor's selection. A paste from the menu has no key press before
 * it: End and then a paste at once pasted over the words selected before End.
 */
const syncFirst = (view: EditorView) => {
  syncSelectionFromDom(view);
  return false;
};

export const SelectionSync = Extension.create({
  name: "selectionSync",
  // Before every other extension's key handling.
  priority: 10_000,
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey("selectionSync"),
        props: {
          handleKeyDown: syncFirst,
          handleDOMEvents: { paste: syncFirst, cut: syncFirst },
        },
      }),
    ];
  },
});
