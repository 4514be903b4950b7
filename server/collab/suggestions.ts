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
      // A text node with nothing left is no text: the editor makes one when the first words are
      // typed into an empty paragraph, and the person's own suggestion there changes nothing else.
      const text = runs.filter((r) => r.t !== "");
      if (text.length > 0) out.push({ text });
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

/** The origin of the updates a check applies to its copy (the copy's own bookkeeping). */
const CHECKED = Symbol("checked suggestion");

/** A copy no check has used for this long is dropped (made again, once, when typing resumes). */
const COPY_IDLE_MS = 2_000;

/**
 * Whether an update from a suggesting person changes nothing but their own suggestions: applied
 * to a copy of the document, the projection without their suggestions must stay the same.
 * Anything else (typing into the accepted text, deleting it, formatting it, another person's
 * suggestion, a suggestion under another name) is refused; the real document is never touched
 * here.
 *
 * The copy is made once and then follows the document (every change to it is applied to the
 * copy too), and the projection of the last check is kept until the document changes otherwise:
 * a keystroke costs the update and two projections, not a copy of the whole document. A refused
 * update has been applied to the copy only, so the copy is dropped and made again at the next check.
 * So is a copy idle for two seconds: rooms whose suggesters have stopped typing keep no copy.
 */
export class SuggestionChecker {
  private copy: Y.Doc | null = null;
  /** The copy's projection and other types for one person, while the copy has not changed since. */
  private kept: { person: string; text: string; others: string } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly follow = (update: Uint8Array) => {
    if (this.copy) Y.applyUpdate(this.copy, update);
  };

  constructor(private readonly doc: Y.Doc) {
    doc.on("update", this.follow);
  }

  check(update: Uint8Array, identity: SuggestionIdentity): SuggestionCheck {
    const copy = this.copy ?? this.makeCopy();
    this.idleTimer?.refresh();
    const person = canonicalJson(identity);
    const fragment = copy.getXmlFragment(BODY_FRAGMENT);
    const kept = this.kept?.person === person ? this.kept : null;
    const before = kept?.text ?? canonicalJson(projection(fragment, identity));
    const othersBefore = kept?.others ?? otherTypes(copy);
    Y.applyUpdate(copy, update, CHECKED);
    const othersAfter = otherTypes(copy);
    const after = canonicalJson(projection(fragment, identity));
    if (othersAfter !== othersBefore) return this.refuse("In Suggesting mode only the text can change.");
    if (before !== after) {
      return this.refuse(
        "You are suggesting: a change to the accepted text, to another person's suggestion, or to headings, lists and paragraphs cannot be made directly. Type or delete words to suggest a change.",
      );
    }
    // The document applies this update next: to the copy that is nothing new, so `kept` stays.
    this.kept = { person, text: after, others: othersAfter };
    return { ok: true };
  }

  destroy() {
    this.doc.off("update", this.follow);
    this.dropCopy();
  }

  private makeCopy(): Y.Doc {
    const copy = new Y.Doc({ gc: false });
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
    // Any change but a check's own makes the kept projection stale.
    copy.on("update", (_update: Uint8Array, origin: unknown) => {
      if (origin !== CHECKED) this.kept = null;
    });
    this.copy = copy;
    this.idleTimer = setTimeout(() => this.dropCopy(), COPY_IDLE_MS).unref();
    return copy;
  }

  private refuse(reason: string): SuggestionCheck {
    this.dropCopy();
    return { ok: false, reason };
  }

  private dropCopy() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.copy?.destroy();
    this.copy = null;
    this.kept = null;
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
