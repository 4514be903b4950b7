import * as Y from "yjs";
import { canonicalJson } from "../../db/canonical-json";
import {
  isOwnSuggestion,
  SUGGESTION_DELETE,
  SUGGESTION_INSERT,
  type SuggestionIdentity,
  type SuggestionKind,
  type SuggestionSummary,
} from "../../app/lib/suggestions";
import { BODY_FRAGMENT } from "./derive";

/**
 * Suggestions on the server: what a suggesting connection may change, the list of open
 * suggestions, and accepting or rejecting them (the server edits the document itself).
 */

type Attributes = Record<string, unknown>;

interface Run {
  insert: unknown;
  attributes?: Attributes;
}

/**
 * The document as everyone but `identity` sees it: the person's own suggested insertions left
 * out, their own suggested deletions unmarked. Two states with the same projection differ only by
 * that person's suggestions. A mark that names the person with any other detail (another
 * organization, a made-up name) is not "their own" and stays in the projection.
 */
function projection(type: Y.XmlFragment | Y.XmlElement, identity: SuggestionIdentity): unknown[] {
  const out: unknown[] = [];
  for (const child of type.toArray()) {
    if (child instanceof Y.XmlElement) {
      out.push({ n: child.nodeName, a: child.getAttributes(), c: projection(child, identity) });
    } else if (child instanceof Y.XmlText) {
      const runs: { t: unknown; a: string }[] = [];
      for (const op of child.toDelta() as Run[]) {
        const attributes: Attributes = { ...(op.attributes ?? {}) };
        if (isOwnSuggestion(attributes[SUGGESTION_INSERT], identity)) continue;
        if (isOwnSuggestion(attributes[SUGGESTION_DELETE], identity)) delete attributes[SUGGESTION_DELETE];
        const a = canonicalJson(attributes);
        const last = runs[runs.length - 1];
        // Runs that differed only by the person's own marks merge again.
        if (last && last.a === a && typeof last.t === "string" && typeof op.insert === "string") last.t += op.insert;
        else runs.push({ t: op.insert, a });
      }
      out.push({ text: runs.filter((r) => r.t !== "") });
    }
  }
  return out;
}

/** Every shared type but the text, as JSON (a suggesting connection may not change any of them). */
function otherTypes(doc: Y.Doc): string {
  const out: Record<string, unknown> = {};
  // A type an update creates appears here too, even one whose toJSON says nothing.
  for (const [name, type] of doc.share) if (name !== BODY_FRAGMENT) out[name] = [type.toJSON() ?? null, type._length, type._map.size];
  return canonicalJson(out);
}

export type SuggestionCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether `update` from a suggesting person changes nothing but their own suggestions: applied to
 * a copy of the document, the projection without their suggestions must stay the same. Anything
 * else (typing into the accepted text, deleting it, formatting it, another person's suggestion,
 * a suggestion under another name) is refused; the real document is never touched here.
 */
export function checkSuggestingUpdate(doc: Y.Doc, update: Uint8Array, identity: SuggestionIdentity): SuggestionCheck {
  const copy = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const fragment = copy.getXmlFragment(BODY_FRAGMENT);
    const before = canonicalJson(projection(fragment, identity));
    const othersBefore = otherTypes(copy);
    Y.applyUpdate(copy, update);
    // Only the text fragment may change: any other shared type is not a suggestion.
    if (otherTypes(copy) !== othersBefore) return { ok: false, reason: "In Suggesting mode only the text can change." };
    const after = canonicalJson(projection(fragment, identity));
    if (before !== after) {
      return {
        ok: false,
        reason:
          "You are suggesting: a change to the accepted text, to another person's suggestion, or to headings, lists and paragraphs cannot be made directly. Type or delete words to suggest a change.",
      };
    }
    return { ok: true };
  } finally {
    copy.destroy();
  }
}

interface Located {
  text: Y.XmlText;
  index: number;
  length: number;
  kind: SuggestionKind;
  attrs: Attributes;
  insert: string;
}

/** Every suggestion run in document order, with where it is. */
function locate(doc: Y.Doc): Located[] {
  const found: Located[] = [];
  const walk = (type: Y.XmlFragment | Y.XmlElement) => {
    for (const child of type.toArray()) {
      if (child instanceof Y.XmlElement) walk(child);
      else if (child instanceof Y.XmlText) {
        let index = 0;
        for (const op of child.toDelta() as Run[]) {
          const length = typeof op.insert === "string" ? op.insert.length : 1;
          const text = typeof op.insert === "string" ? op.insert : "";
          for (const [key, kind] of [
            [SUGGESTION_INSERT, "insert"],
            [SUGGESTION_DELETE, "delete"],
          ] as const) {
            const value = op.attributes?.[key];
            if (value && typeof value === "object" && typeof (value as Attributes).id === "string") {
              found.push({ text: child, index, length, kind, attrs: value as Attributes, insert: text });
            }
          }
          index += length;
        }
      }
    }
  };
  walk(doc.getXmlFragment(BODY_FRAGMENT));
  return found;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** The open suggestions of a document, one entry per suggestion id, in document order. */
export function listSuggestions(doc: Y.Doc): SuggestionSummary[] {
  const byId = new Map<string, SuggestionSummary>();
  for (const run of locate(doc)) {
    const id = `${run.kind}:${String(run.attrs.id)}`;
    const existing = byId.get(id);
    if (existing) existing.text += run.insert;
    else
      byId.set(id, {
        id,
        kind: run.kind,
        by: str(run.attrs.by) ?? "",
        name: str(run.attrs.name) ?? "Someone",
        orgId: str(run.attrs.orgId),
        org: str(run.attrs.org),
        text: run.insert,
      });
  }
  return [...byId.values()];
}

/**
 * Accepts or rejects suggestions (ids as listed by listSuggestions) in one transaction of `doc`:
 * an accepted insertion and a rejected deletion lose their mark, a rejected insertion and an
 * accepted deletion lose their words. Returns the suggestions resolved.
 */
export function resolveSuggestions(doc: Y.Doc, ids: ReadonlySet<string>, accept: boolean, origin: unknown): SuggestionSummary[] {
  const resolved = listSuggestions(doc).filter((s) => ids.has(s.id));
  if (resolved.length === 0) return [];
  doc.transact(() => {
    // From the end backwards: removing words never shifts a run still to be handled.
    const runs = locate(doc)
      .filter((r) => ids.has(`${r.kind}:${String(r.attrs.id)}`))
      .reverse();
    for (const run of runs) {
      const removeWords = (run.kind === "insert") !== accept;
      if (removeWords) run.text.delete(run.index, run.length);
      else run.text.format(run.index, run.length, { [run.kind === "insert" ? SUGGESTION_INSERT : SUGGESTION_DELETE]: null });
    }
  }, origin);
  return resolved;
}
