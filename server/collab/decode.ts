import * as decoding from "lib0/decoding";
import * as Y from "yjs";

/**
 * Defensive reading of what clients send. Nothing here changes a document: an update is checked
 * against the document's state vector BEFORE it is applied, because Yjs throws on a truncated
 * update only after it has changed the document, and silently holds back an update whose
 * dependencies are missing (it would then leak into every later state it encodes).
 */

export type UpdateCheck =
  | {
      ok: true;
      changes: boolean;
      /** Client ids under which the update writes new items (the writers it claims to be). */
      writers: number[];
    }
  | {
      ok: false;
      reason: string;
      /** It may be whole but refer to what the server has not received yet (not necessarily invalid). */
      missing?: boolean;
    };

const bad = (reason: string): UpdateCheck => ({ ok: false, reason });
const missing = (reason: string): UpdateCheck => ({ ok: false, reason, missing: true });

interface ClientRange {
  start: number;
  end: number;
  structs: (Y.Item | Y.GC)[];
}

let lastReader: decoding.Decoder | null = null;

/**
 * Y.decodeUpdate's V1 decoder, keeping hold of its byte reader so that we can check afterwards
 * that every byte was read (a V2 update can read as an empty V1 update followed by bytes Yjs would
 * silently ignore). Synchronous use only: the reader is the last one made.
 */
class MeasuredDecoderV1 extends Y.UpdateDecoderV1 {
  constructor(decoder: decoding.Decoder) {
    super(decoder);
    lastReader = decoder;
  }
}

/**
 * Checks a V1 update against `doc`: it must decode completely, have no gaps, start where the
 * document (or the update itself) already knows each client's clock, reference only items that
 * exist (origins, parents, deletions), and not carry subdocuments. `changes` says whether
 * applying it would change anything (new items or new deletions).
 */
export function checkUpdate(update: Uint8Array, doc: Y.Doc): UpdateCheck {
  let decoded: { structs: (Y.Item | Y.GC | Y.Skip)[]; ds: { clients: Map<number, { clock: number; len: number }[]> } };
  lastReader = null;
  try {
    decoded = Y.decodeUpdateV2(update, MeasuredDecoderV1) as typeof decoded;
  } catch {
    return bad("undecodable update (truncated, not V1, or garbage)");
  }
  const reader = lastReader as decoding.Decoder | null;
  if (!reader || decoding.hasContent(reader)) return bad("update with trailing bytes (not a V1 update)");
  const store = doc.store;
  const ranges = new Map<number, ClientRange>();
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) return bad("update with a gap (skip)");
    const { client, clock } = struct.id;
    if (!Number.isSafeInteger(clock) || !Number.isSafeInteger(struct.length) || struct.length <= 0) {
      return bad("struct with an impossible clock or length");
    }
    const range = ranges.get(client);
    if (!range) {
      if (clock > Y.getState(store, client)) return missing("update depends on earlier updates the server does not have");
      ranges.set(client, { start: clock, end: clock + struct.length, structs: [struct] });
    } else {
      if (clock !== range.end) return bad("structs of one client are not contiguous");
      range.end += struct.length;
      range.structs.push(struct);
    }
  }

  const known = (id: Y.ID) => {
    const range = ranges.get(id.client);
    return id.clock < Math.max(Y.getState(store, id.client), range ? range.end : 0);
  };
  /** Whether the item at `id` (in the document or in this update) holds a shared type. */
  const isType = (id: Y.ID): boolean => {
    if (id.clock < Y.getState(store, id.client)) {
      const struct = Y.getItem(store, id);
      // A collected parent (GC, or a deleted type whose content was dropped) turns the new item into
      // a GC in Yjs: harmless. Any other item is not a container.
      return (
        struct instanceof Y.GC ||
        (struct instanceof Y.Item && (struct.content instanceof Y.ContentType || struct.content instanceof Y.ContentDeleted))
      );
    }
    const range = ranges.get(id.client);
    const struct = range?.structs.find((s) => s.id.clock <= id.clock && id.clock < s.id.clock + s.length);
    return struct instanceof Y.Item && struct.content instanceof Y.ContentType;
  };

  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (struct.content instanceof Y.ContentDoc) return bad("subdocuments are not accepted");
    if (struct.origin && !known(struct.origin)) return missing("update references an unknown item (origin)");
    if (struct.rightOrigin && !known(struct.rightOrigin)) return missing("update references an unknown item (right origin)");
    const parent = struct.parent as unknown;
    if (parent instanceof Y.ID) {
      if (!known(parent)) return missing("update references an unknown parent");
      if (!isType(parent)) return bad("update names a parent that is not a shared type");
    } else if (parent !== null && typeof parent !== "string") {
      return bad("update has a malformed parent");
    } else if (parent === null && !struct.origin && !struct.rightOrigin) {
      return bad("item without parent or neighbours");
    }
  }

  if (hasCircularReference(ranges, store)) return bad("update whose items reference themselves or later items (a cycle)");

  let changes = false;
  for (const [client, range] of ranges) if (range.end > Y.getState(store, client)) changes = true;

  for (const [client, deletions] of decoded.ds.clients) {
    const limit = Math.max(Y.getState(store, client), ranges.get(client)?.end ?? 0);
    for (const { clock, len } of deletions) {
      if (!Number.isSafeInteger(clock) || !Number.isSafeInteger(len) || len <= 0) return bad("malformed deletion");
      if (clock + len > limit) return bad("update deletes items the server does not have");
      if (!changes && !alreadyDeleted(doc, client, clock, len)) changes = true;
    }
  }
  const writers = [...ranges].filter(([client, range]) => range.end > Y.getState(store, client)).map(([client]) => client);
  return { ok: true, changes, writers };
}

/**
 * Whether the update's new items cannot be put in order: Yjs integrates each client's items in
 * clock order, and an item only after the items it names (origin, right origin, parent). An item
 * naming itself, or an item that must come after it, is a cycle: Yjs then throws half-way through
 * applying ("Unexpected case") or keeps the items pending for ever. Found by the property test.
 */
function hasCircularReference(ranges: Map<number, ClientRange>, store: Y.Doc["store"]): boolean {
  const key = (s: Y.Item | Y.GC) => `${s.id.client}:${s.id.clock}`;
  /** The struct of this update holding `id`, when the document does not have it yet. */
  const inUpdate = (id: Y.ID) => {
    if (id.clock < Y.getState(store, id.client)) return undefined;
    return ranges.get(id.client)?.structs.find((s) => s.id.clock <= id.clock && id.clock < s.id.clock + s.length);
  };
  const dependencies = (struct: Y.Item | Y.GC, index: number, range: ClientRange) => {
    const found: (Y.Item | Y.GC)[] = [];
    if (index > 0) found.push(range.structs[index - 1]!);
    if (struct instanceof Y.Item) {
      const parent = struct.parent as unknown;
      for (const id of [struct.origin, struct.rightOrigin, parent instanceof Y.ID ? parent : null]) {
        const target = id ? inUpdate(id) : undefined;
        if (target) found.push(target);
      }
    }
    return found;
  };
  const position = new Map<string, { index: number; range: ClientRange }>();
  for (const range of ranges.values()) range.structs.forEach((s, index) => position.set(key(s), { index, range }));
  // Iterative depth-first search (an update may hold many thousands of items): 1 = on the path, 2 = done.
  const state = new Map<string, 1 | 2>();
  for (const range of ranges.values()) {
    for (const start of range.structs) {
      if (state.has(key(start))) continue;
      const stack: { struct: Y.Item | Y.GC; next: (Y.Item | Y.GC)[] }[] = [];
      const enter = (struct: Y.Item | Y.GC) => {
        const at = position.get(key(struct))!;
        state.set(key(struct), 1);
        stack.push({ struct, next: dependencies(struct, at.index, at.range) });
      };
      enter(start);
      while (stack.length) {
        const top = stack.at(-1)!;
        const dependency = top.next.pop();
        if (!dependency) {
          state.set(key(top.struct), 2);
          stack.pop();
          continue;
        }
        const seen = state.get(key(dependency));
        if (seen === 1) return true;
        if (seen === undefined) enter(dependency);
      }
    }
  }
  return false;
}

/** Whether every item of client in [clock, clock+len) is already deleted in the document. */
function alreadyDeleted(doc: Y.Doc, client: number, clock: number, len: number): boolean {
  const structs = doc.store.clients.get(client);
  if (!structs || clock + len > Y.getState(doc.store, client)) return false;
  let index = Y.findIndexSS(structs, clock);
  const end = clock + len;
  while (index < structs.length) {
    const struct = structs[index]!;
    if (struct.id.clock >= end) break;
    if (!struct.deleted) return false;
    index++;
  }
  return true;
}

/** Whether a state vector decodes (SyncStep1's payload). */
export function isValidStateVector(sv: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(sv);
    const n = decoding.readVarUint(decoder);
    for (let i = 0; i < n; i++) {
      decoding.readVarUint(decoder);
      decoding.readVarUint(decoder);
    }
    return !decoding.hasContent(decoder);
  } catch {
    return false;
  }
}
