import { diffArrays, diffWords } from "diff";

/** The part of a ProseMirror JSON node this module reads (structurally Tiptap's JSONContent). */
export type DocNode = {
  type?: string;
  attrs?: Record<string, unknown>;
  content?: DocNode[];
  text?: string;
  /** The Yjs item of each character of a text node (or of a hard break): see app/lib/authorship.ts. */
  ids?: string[];
};

/** One block of a text: a paragraph, a heading (with the text's own level) or a list item. */
export type Block = {
  kind: "paragraph" | "heading" | "listItem";
  /** The heading's level in the text (2–4 from the editor); 0 for other blocks. */
  level: number;
  /** The list a list item belongs to; null for other blocks. */
  list: "bullet" | "ordered" | null;
  text: string;
  /** The Yjs item of each character of `text` (null: a separator), when read from a Yjs document. */
  ids?: (string | null)[];
};

/** Who made a change, from the server's record (app/lib/authorship.ts); null: not recorded. */
export type ChangeAuthor = { personId: string; name: string; organizationId: string | null; organization: string | null };

export type DiffPart = { kind: "same" | "inserted" | "deleted"; text: string; by?: ChangeAuthor | null };

/** A block of the comparison: its own parts only, so no mark ever spans two blocks. */
export type DiffBlock = Omit<Block, "text"> & {
  change: "same" | "changed" | "inserted" | "deleted";
  parts: DiffPart[];
};

export type BlockDiff = { blocks: DiffBlock[]; inserted: number; deleted: number };

/** The blocks of a ProseMirror JSON document, in reading order; empty blocks are left out. */
export function blocksOf(doc: DocNode): Block[] {
  const blocks: Block[] = [];
  // The characters' Yjs items are carried along when the nodes have them (every text node does).
  let withIds = true;
  const idsOf: (string | null)[][] = [];
  const inline = (node: DocNode): string => {
    if (node.type === "text") {
      const text = node.text ?? "";
      if (node.ids?.length === text.length) idsOf.push(node.ids);
      else withIds = false;
      return text;
    }
    if (node.type === "hardBreak") {
      idsOf.push([node.ids?.[0] ?? null]);
      return "\n";
    }
    return (node.content ?? []).map(inline).join("");
  };
  const separator = (text: string) => {
    idsOf.push(Array.from({ length: text.length }, () => null));
    return text;
  };
  const push = (block: Block) => {
    const ids = idsOf.flat();
    idsOf.length = 0;
    if (block.text.trim() === "") return;
    blocks.push(withIds && ids.length === block.text.length ? { ...block, ids } : block);
  };
  const walk = (node: DocNode, list: Block["list"]) => {
    switch (node.type) {
      case "paragraph":
        push({ kind: list ? "listItem" : "paragraph", level: 0, list, text: inline(node) });
        return;
      case "heading": {
        const level = Number(node.attrs?.level);
        push({ kind: "heading", level: Number.isInteger(level) && level >= 1 && level <= 6 ? level : 2, list: null, text: inline(node) });
        return;
      }
      case "tableRow":
        push({
          kind: "paragraph",
          level: 0,
          list: null,
          text: (node.content ?? [])
            .map(
              (cell, c) =>
                (c > 0 ? separator(" | ") : "") + (cell.content ?? []).map((p, k) => (k > 0 ? separator(" ") : "") + inline(p)).join(""),
            )
            .join(""),
        });
        return;
      case "bulletList":
      case "orderedList": {
        const kind = node.type === "bulletList" ? "bullet" : "ordered";
        for (const item of node.content ?? []) {
          // The item's first paragraph is the item; what follows it (a nested list, more
          // paragraphs) are blocks of their own.
          const [first, ...rest] = item.content ?? [];
          if (first?.type === "paragraph") push({ kind: "listItem", level: 0, list: kind, text: inline(first) });
          else if (first) walk(first, kind);
          for (const child of rest) walk(child, child.type === "paragraph" ? kind : null);
        }
        return;
      }
      default:
        for (const child of node.content ?? []) walk(child, list);
    }
  };
  walk(doc, null);
  return blocks;
}

/** Blocks of plain text (paragraphs separated by blank lines), for texts stored without JSON. */
export function blocksOfText(text: string): Block[] {
  return text
    .split(/\n\s*\n/)
    .filter((t) => t.trim() !== "")
    .map((t) => ({ kind: "paragraph", level: 0, list: null, text: t }));
}

const sameShape = (a: Block, b: Block) => a.kind === b.kind && a.level === b.level && a.list === b.list;

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * The comparison of two texts, block by block: blocks are aligned with `diffArrays`; a removed
 * block and an added block of the same shape in the same place, sharing at least a third of their
 * words, are one changed block diffed word by word; any other is wholly inserted or deleted.
 */
export function diffBlocks(before: Block[], after: Block[]): BlockDiff {
  const blocks: DiffBlock[] = [];
  const shape = ({ kind, level, list }: Block) => ({ kind, level, list });
  const whole = (block: Block, change: "inserted" | "deleted" | "same"): DiffBlock => ({
    ...shape(block),
    change,
    parts: [{ kind: change, text: block.text }],
  });
  const chunks = diffArrays(before, after, { comparator: (a, b) => sameShape(a, b) && a.text === b.text });
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    if (!chunk.added && !chunk.removed) {
      for (const block of chunk.value) blocks.push(whole(block, "same"));
      continue;
    }
    const next = chunks[i + 1];
    const removed = chunk.removed ? chunk.value : [];
    const added = chunk.added ? chunk.value : chunk.removed && next?.added ? (i++, next.value) : [];
    const pairs = Math.max(removed.length, added.length);
    for (let k = 0; k < pairs; k++) {
      const a = removed[k];
      const b = added[k];
      if (a && b && sameShape(a, b)) {
        const parts: DiffPart[] = diffWords(a.text, b.text).map((p) => ({
          kind: p.added ? "inserted" : p.removed ? "deleted" : "same",
          text: p.value,
        }));
        const kept = parts.filter((p) => p.kind === "same").reduce((n, p) => n + countWords(p.text), 0);
        if (kept * 3 >= Math.max(countWords(a.text), countWords(b.text))) {
          blocks.push({ ...shape(b), change: "changed", parts });
          continue;
        }
      }
      if (a) blocks.push(whole(a, "deleted"));
      if (b) blocks.push(whole(b, "inserted"));
    }
  }
  const count = (kind: DiffPart["kind"]) =>
    blocks.flatMap((b) => b.parts).reduce((n, p) => (p.kind === kind ? n + countWords(p.text) : n), 0);
  return { blocks, inserted: count("inserted"), deleted: count("deleted") };
}
