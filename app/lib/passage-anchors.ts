import { Extension } from "@tiptap/core";
import type { EditorState } from "@tiptap/pm/state";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import * as Y from "yjs";

/**
 * Comments on a passage are anchored by two Yjs relative positions, so the highlight follows the
 * text as people edit around it. When the words are deleted both ends meet: the thread then says
 * its passage was removed.
 */
export interface ThreadAnchor {
  id: string;
  anchorFrom: string;
  anchorTo: string;
  resolved: boolean;
}

interface Binding {
  doc: Y.Doc;
  type: Y.XmlFragment;
  mapping: Map<unknown, unknown>;
}

function bindingOf(state: EditorState): Binding | null {
  const sync = ySyncPluginKey.getState(state) as { binding?: Binding | null } | undefined;
  return sync?.binding ?? null;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** The selection as a pair of encoded relative positions, or null before the document is bound. */
export function anchorSelection(state: EditorState): { anchorFrom: string; anchorTo: string; quote: string } | null {
  const binding = bindingOf(state);
  const { from, to } = state.selection;
  if (!binding || from === to) return null;
  // The y-tiptap mapping's types are internal to it; the binding hands them over as they are.
  const mapping = binding.mapping as Parameters<typeof absolutePositionToRelativePosition>[2];
  const start = absolutePositionToRelativePosition(from, binding.type, mapping);
  const end = absolutePositionToRelativePosition(to, binding.type, mapping);
  return {
    anchorFrom: toBase64(Y.encodeRelativePosition(start)),
    anchorTo: toBase64(Y.encodeRelativePosition(end)),
    quote: state.doc.textBetween(from, to, "\n"),
  };
}

/** Where a thread's passage is now: null when its words were removed. */
export function resolveAnchor(state: EditorState, anchor: ThreadAnchor): { from: number; to: number } | null {
  const binding = bindingOf(state);
  if (!binding) return null;
  const mapping = binding.mapping as Parameters<typeof relativePositionToAbsolutePosition>[3];
  try {
    const from = relativePositionToAbsolutePosition(
      binding.doc,
      binding.type,
      Y.decodeRelativePosition(fromBase64(anchor.anchorFrom)),
      mapping,
    );
    const to = relativePositionToAbsolutePosition(
      binding.doc,
      binding.type,
      Y.decodeRelativePosition(fromBase64(anchor.anchorTo)),
      mapping,
    );
    if (from === null || to === null || to <= from) return null;
    return { from, to };
  } catch {
    return null;
  }
}

/** The threads to highlight, set by the page (read when the decorations are drawn). */
export class ThreadAnchors {
  private list: ThreadAnchor[] = [];
  set(list: ThreadAnchor[]): void {
    this.list = list;
  }
  get(): ThreadAnchor[] {
    return this.list;
  }
}

export const passageHighlightKey = new PluginKey("passageHighlight");

/** Highlights every open thread's passage (a decoration: nothing is written into the document). */
export function createPassageHighlights(anchors: ThreadAnchors) {
  return Extension.create({
    name: "passageHighlights",
    addProseMirrorPlugins() {
      return [
        new Plugin({
          key: passageHighlightKey,
          props: {
            decorations(state) {
              const decorations: Decoration[] = [];
              for (const anchor of anchors.get()) {
                if (anchor.resolved) continue;
                const range = resolveAnchor(state, anchor);
                if (range) {
                  decorations.push(Decoration.inline(range.from, range.to, { class: "commented-passage", "data-thread": anchor.id }));
                }
              }
              return DecorationSet.create(state.doc, decorations);
            },
          },
        }),
      ];
    },
  });
}
