import * as Y from "yjs";
import { blocksOf, diffBlocks, type Block, type BlockDiff, type ChangeAuthor, type DiffPart, type DocNode } from "./block-diff";
import { SUGGESTION_INSERT } from "./suggestions";

/**
 * Who changed what, from the server's own record: each character of a text is a Yjs item whose
 * client id the collaboration server bound to the person who first wrote with it
 * (`proposal_client_ids`), and each deleted range was copied, with the person whose update deleted
 * it, from the update log (`proposal_deletions`, and the log rows not compacted yet). Nothing here
 * reads a name or an organization written into the document.
 */
export interface AuthorshipRecord {
  /** Yjs client id → person. */
  clientOwners: Map<number, string>;
  /** Deleted ranges in log order (earliest first), with who deleted them (null: the server). */
  deletions: { clientId: number; clock: number; length: number; personId: string | null }[];
  /** Person → name and organization. */
  people: Map<string, Omit<ChangeAuthor, "personId">>;
}

const idKey = (client: number, clock: number) => `${client}:${clock}`;

function isSuggestedInsertion(attributes: Record<string, unknown> | undefined): boolean {
  if (!attributes) return false;
  // y-prosemirror names a mark's attribute by the mark, with a hash for marks that may overlap.
  return Object.entries(attributes).some(
    ([key, value]) => value != null && (key === SUGGESTION_INSERT || key.startsWith(`${SUGGESTION_INSERT}--`)),
  );
}

/** The visible characters of a Yjs text with their items, split as the text's delta is. */
function textNodesOf(text: Y.XmlText): DocNode[] {
  const ids: string[] = [];
  for (let item = text._start; item; item = item.right) {
    if (item.deleted || !item.countable) continue;
    for (let i = 0; i < item.length; i++) ids.push(idKey(item.id.client, item.id.clock + i));
  }
  const nodes: DocNode[] = [];
  let at = 0;
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    const length = typeof op.insert === "string" ? op.insert.length : 1;
    const own = ids.slice(at, at + length);
    at += length;
    // The accepted text: pending insertions left out, pending deletions kept (decision 060).
    if (typeof op.insert !== "string" || isSuggestedInsertion(op.attributes)) continue;
    nodes.push({ type: "text", text: op.insert, ids: own });
  }
  return nodes;
}

function nodeOf(element: Y.XmlElement): DocNode {
  const node: DocNode = { type: element.nodeName, attrs: element.getAttributes() as Record<string, unknown> };
  const item = element._item;
  if (element.nodeName === "hardBreak" && item) node.ids = [idKey(item.id.client, item.id.clock)];
  node.content = element
    .toArray()
    .flatMap((child) => (child instanceof Y.XmlText ? textNodesOf(child) : child instanceof Y.XmlElement ? [nodeOf(child)] : []));
  return node;
}

/** The accepted text of a Yjs state (the `default` fragment) as blocks whose characters name their items. */
export function attributedBlocksOf(state: Uint8Array): Block[] {
  const doc = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(doc, state);
    const fragment = doc.getXmlFragment("default");
    const root: DocNode = {
      type: "doc",
      content: fragment.toArray().flatMap((child) => (child instanceof Y.XmlElement ? [nodeOf(child)] : [])),
    };
    return blocksOf(root);
  } finally {
    doc.destroy();
  }
}

/**
 * The comparison of two versions with each insertion and deletion marked with who made it.
 * `fromIsOlder` says which way time runs: words only in the newer version were written by the
 * owner of their items; words only in the older one were removed by whoever deleted their items.
 */
export function attributedDiff(before: Block[], after: Block[], record: AuthorshipRecord, fromIsOlder: boolean): BlockDiff {
  const diff = diffBlocks(before, after);
  const beforeIds = new Set(before.flatMap((b) => b.ids ?? []));
  const afterIds = new Set(after.flatMap((b) => b.ids ?? []));
  const deleters = new Map<number, AuthorshipRecord["deletions"]>();
  for (const d of record.deletions) {
    const list = deleters.get(d.clientId) ?? [];
    list.push(d);
    deleters.set(d.clientId, list);
  }
  const person = (id: string | null | undefined): ChangeAuthor | null => {
    if (!id) return null;
    const p = record.people.get(id);
    return p ? { personId: id, ...p } : null;
  };
  const writerOf = (key: string) => person(record.clientOwners.get(Number(key.split(":")[0])));
  const removerOf = (key: string) => {
    const [client, clock] = key.split(":").map(Number) as [number, number];
    const found = deleters.get(client)?.find((d) => clock >= d.clock && clock < d.clock + d.length);
    return person(found?.personId);
  };
  // Words only in `to` (inserted) are newer when time runs from → to; else they were removed later.
  const authorOf = (key: string, kind: "inserted" | "deleted") => ((kind === "inserted") === fromIsOlder ? writerOf(key) : removerOf(key));

  // Map the diff's parts back onto the blocks' characters: one side of a changed block at a time.
  // The diff takes unchanged words from the newer text, so the older side is matched word by word.
  let a = 0;
  let b = 0;
  const matchedBlocks = diff.blocks.map((block) => {
    const beforeBlock = block.change === "same" || block.change === "changed" || block.change === "deleted" ? before[a++] : undefined;
    const afterBlock = block.change === "same" || block.change === "changed" || block.change === "inserted" ? after[b++] : undefined;
    if (block.change === "same") return block;
    let i = 0; // position in beforeBlock.text
    let j = 0; // position in afterBlock.text
    const parts: DiffPart[] = [];
    for (const part of block.parts) {
      if (part.kind === "same") {
        j += part.text.length;
        let words = part.text.replace(/\s+/g, "").length;
        const text = beforeBlock?.text ?? "";
        while (i < text.length && words > 0) {
          if (!/\s/.test(text[i]!)) words--;
          i++;
        }
        while (i < text.length && /\s/.test(text[i]!) && /\s$/.test(part.text)) i++;
        parts.push(part);
        continue;
      }
      const source = part.kind === "inserted" ? afterBlock : beforeBlock;
      let start = part.kind === "inserted" ? j : i;
      if (part.kind === "deleted") {
        const found = (beforeBlock?.text ?? "").indexOf(part.text, i);
        if (found >= 0) start = found;
        i = start + part.text.length;
      } else j += part.text.length;
      const ids = source?.ids?.slice(start, start + part.text.length);
      const other = part.kind === "inserted" ? beforeIds : afterIds;
      if (!ids || ids.length !== part.text.length) {
        parts.push({ ...part, by: null });
        continue;
      }
      // Split the part where its author changes. Characters that are in both versions were not
      // changed (the word diff aligned them apart): inserted ones read as text, deleted ones go.
      // Spaces go with the run they are in (typing a space is often written next to another's).
      const MOVED = "moved";
      let run: { text: string; by: ChangeAuthor | null | typeof MOVED | undefined } | null = null;
      const flush = () => {
        if (!run) return;
        if (run.by === MOVED) {
          if (part.kind === "inserted") parts.push({ kind: "same", text: run.text });
        } else parts.push({ kind: part.kind, text: run.text, by: run.by ?? null });
      };
      for (let k = 0; k < part.text.length; k++) {
        const key = ids[k];
        const ch = part.text[k]!;
        const by = !key || /\s/.test(ch) ? undefined : other.has(key) ? MOVED : authorOf(key, part.kind);
        const same = (x: typeof by, y: typeof by) =>
          x === y || (typeof x === "object" && typeof y === "object" && x?.personId === y?.personId);
        if (run && (by === undefined || run.by === undefined || same(run.by, by))) {
          run.text += ch;
          if (run.by === undefined) run.by = by;
          continue;
        }
        flush();
        run = { text: ch, by };
      }
      flush();
    }
    return { ...block, parts: mergeSame(parts) };
  });
  const count = (kind: DiffPart["kind"]) =>
    matchedBlocks.flatMap((b) => b.parts).reduce((n, p) => (p.kind === kind ? n + p.text.split(/\s+/).filter(Boolean).length : n), 0);
  return { blocks: matchedBlocks, inserted: count("inserted"), deleted: count("deleted") };
}

function mergeSame(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (last && last.kind === "same" && p.kind === "same") last.text += p.text;
    else out.push({ ...p });
  }
  return out;
}

/** One organization's changes alone: others' insertions read as text, others' deletions left out. */
export function onlyChangesOf(diff: BlockDiff, organizationId: string): BlockDiff {
  const blocks = diff.blocks.map((block) => ({
    ...block,
    parts: mergeSame(
      block.parts.flatMap((p): DiffPart[] =>
        p.kind === "same" || p.by?.organizationId === organizationId ? [p] : p.kind === "inserted" ? [{ kind: "same", text: p.text }] : [],
      ),
    ),
  }));
  const count = (kind: DiffPart["kind"]) =>
    blocks.flatMap((b) => b.parts).reduce((n, p) => (p.kind === kind ? n + p.text.split(/\s+/).filter(Boolean).length : n), 0);
  return { blocks: blocks.filter((b) => b.parts.length > 0), inserted: count("inserted"), deleted: count("deleted") };
}

/** The organizations (and people) who made the changes of a comparison, with their word counts. */
export function changeAuthorsOf(
  diff: BlockDiff,
): { organizationId: string | null; organization: string | null; people: string[]; inserted: number; deleted: number }[] {
  const byOrg = new Map<
    string,
    { organizationId: string | null; organization: string | null; people: Set<string>; inserted: number; deleted: number }
  >();
  for (const part of diff.blocks.flatMap((b) => b.parts)) {
    if (part.kind === "same") continue;
    const key = part.by?.organizationId ?? "";
    const entry = byOrg.get(key) ?? {
      organizationId: part.by?.organizationId ?? null,
      organization: part.by?.organization ?? null,
      people: new Set(),
      inserted: 0,
      deleted: 0,
    };
    if (part.by) entry.people.add(part.by.name);
    const words = part.text.split(/\s+/).filter(Boolean).length;
    if (part.kind === "inserted") entry.inserted += words;
    else entry.deleted += words;
    byOrg.set(key, entry);
  }
  return [...byOrg.values()].map((e) => ({ ...e, people: [...e.people] }));
}

/** The delete set of an update, as ranges (for the record of who deleted what). */
export function deletionsOfUpdate(update: Uint8Array): { clientId: number; clock: number; length: number }[] {
  const ranges: { clientId: number; clock: number; length: number }[] = [];
  for (const [clientId, items] of Y.decodeUpdate(update).ds.clients) {
    for (const item of items) ranges.push({ clientId, clock: item.clock, length: item.len });
  }
  return ranges;
}
