import { Editor, type EditorOptions } from "@tiptap/core";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type DependencyList, type RefObject } from "react";

/**
 * The proposal editor's React binding, on Tiptap's core alone: the editor is made in the browser
 * once the element it is mounted in exists, made again when `deps` change, and destroyed with the
 * component. (`@tiptap/react` did the same with node views and menus this page never uses: 6 KB
 * of its script, docs/decisions/096.)
 */
export function useEditor(
  mount: RefObject<HTMLElement | null>,
  options: () => Partial<EditorOptions>,
  deps: DependencyList,
): Editor | null {
  const [editor, setEditor] = useState<Editor | null>(null);
  useEffect(() => {
    const element = mount.current;
    if (!element) return undefined;
    const made = new Editor({ ...options(), element });
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the editor exists only once mounted in the page
    setEditor(made);
    return () => {
      made.destroy();
      setEditor(null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- made again only when the caller's deps change
  }, deps);
  return editor;
}

/** Deep equality of the plain values selectors return (strings, numbers, booleans, arrays, objects). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * What a component shows of the editor's state, read again after each transaction; the component
 * renders again only when the value changed (compared deeply).
 */
export function useEditorState<T>({ editor, selector }: { editor: Editor; selector: (context: { editor: Editor }) => T }): T {
  const last = useRef<{ value: T } | null>(null);
  const subscribe = useCallback(
    (changed: () => void) => {
      editor.on("transaction", changed);
      return () => void editor.off("transaction", changed);
    },
    [editor],
  );
  const snapshot = () => {
    const value = selector({ editor });
    if (last.current && same(last.current.value, value)) return last.current.value;
    last.current = { value };
    return value;
  };
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
