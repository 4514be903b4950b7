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

/** Every shared type but the text, as JSON (a suggesting connection may not change any of them). */
function otherTypes(doc: Y.Doc): string {
  const out: Record<string, unknown> = {};
  // A type an update creates appears here too, even one whose toJSON says nothing.
  for (const [name, type] of doc.share) if (name !== BODY_FRAGMENT) out[name] = [type.toJSON() ?? null, type._length, type._map.size];
  return canonicalJson(out);
}

/**
 * A text node as everyone but `identity` sees it (JSON text): the person's own suggested
 * insertions left out, their own suggested deletions unmarked; null when nothing is left (the
 * editor makes a text node when the first words are typed into an empty paragraph, and the
 * person's own suggestion there changes nothing else). A mark that names the person with any
 * other detail (another organization, a made-up name) is not "their own" and stays.
 */
function textProjection(text: Y.XmlText, identity: SuggestionIdentity): string | null {
  const runs: { t: unknown; a: string }[] = [];
  for (const op of text.toDelta() as Run[]) {
    const attributes: Attributes = { ...(op.attributes ?? {}) };
    if (isOwnSuggestion(attributes[SUGGESTION_INSERT], identity)) continue;
    if (isOwnSuggestion(attributes[SUGGESTION_DELETE], identity)) delete attributes[SUGGESTION_DELETE];
    const a = canonicalJson(attributes);
    const last = runs[runs.length - 1];
    // Runs that differed only by the person's own marks merge again.
    if (last && last.a === a && typeof last.t === "string" && typeof op.insert === "string") last.t += op.insert;
    else runs.push({ t: op.insert, a });
  }
  const left = runs.filter((r) => r.t !== "");
  return left.length === 0 ? null : `{"t":[${left.map((r) => `[${canonicalJson(r.t)},${r.a}]`).join(",")}]}`;
}

export type SuggestionCheck = { ok: true } | { ok: false; reason: string };

/** The origin of the updates a check applies to its copy. */
const CHECKED = Symbol("checked suggestion");

/** A copy no check has used for this long is dropped (made again, once, when typing resumes). */
const COPY_IDLE_MS = 2_000;

/**
 * Whether an update from a suggesting person changes nothing but their own suggestions: applied
 * to a copy of the document, the document as everyone else sees it (its projection) must stay the
 * same. Anything else (typing into the accepted text, deleting it, formatting it, another person's
 * suggestion, a suggestion under another name) is refused; the real document is never touched
 * here.
 *
 * The copy is made once. The room hands it each update it applies to the document (`follow`), and
 * the copy applies them at the next check, in one transaction: an edit by someone else costs
 * nothing until a suggestion comes, and catching up costs the updates, not the document. A change
 * of the document nobody reported (a transaction without its `follow`) makes the next check catch
 * up by state vector and the document's deletions instead, which is always right. The projection
 * is kept per element and text node and recomputed only for the nodes a change touched and the
 * elements above them: a keystroke costs the update and the projections of the paragraphs it
 * and the others' edits since the last check changed, not the whole document twice. A refused
 * update has been applied to the copy only, so the copy is dropped and made again at the next
 * check. So is a copy idle for two seconds: rooms whose suggesters have stopped typing keep no copy.
 */
export class SuggestionChecker {
  private copy: Y.Doc | null = null;
  /** Updates the room applied to the document since the copy last caught up, in order. */
  private followed: Uint8Array[] = [];
  /** The document's transactions since then, less the updates reported: not 0, catch up by state vector. */
  private unreported = 0;
  /** The last update a check passed: already in the copy when the room reports it. */
  private passed: Uint8Array | null = null;
  /** How often the copy caught up by state vector (a change the room did not report). */
  fullCatchUps = 0;
  /**
   * Each node of the copy's projection for one person (`projectedFor`), until the node changes. A
   * new copy has new nodes, so only another person needs a new map.
   */
  private projected = new WeakMap<Y.XmlElement | Y.XmlText, string | null>();
  private projectedFor: string | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly noteChange = (transaction: Y.Transaction) => {
    // Yjs runs a second transaction after one that formatted text, to tidy the formatting; when it
    // changes nothing, there is nothing to report.
    if (this.copy && changedAnything(transaction)) this.unreported++;
  };

  constructor(private readonly doc: Y.Doc) {
    // Not "update": a listener there makes Yjs encode every transaction of the document.
    doc.on("afterTransaction", this.noteChange);
  }

  /** The room applied `update` to the document (right after its transaction). */
  follow(update: Uint8Array) {
    if (!this.copy) return;
    this.unreported--;
    if (update === this.passed) this.passed = null;
    else this.followed.push(update);
  }

  check(update: Uint8Array, identity: SuggestionIdentity): SuggestionCheck {
    const copy = this.copy ?? this.makeCopy();
    this.idleTimer?.refresh();
    if (this.unreported !== 0) {
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(copy)));
      this.fullCatchUps++;
    } else if (this.followed.length > 0) {
      const followed = this.followed;
      Y.transact(copy, () => {
        for (const u of followed) Y.applyUpdate(copy, u);
      });
    }
    this.caughtUp();
    const person = canonicalJson(identity);
    if (person !== this.projectedFor) {
      this.projected = new WeakMap();
      this.projectedFor = person;
    }
    const fragment = copy.getXmlFragment(BODY_FRAGMENT);
    const before = this.children(fragment, identity);
    const othersBefore = otherTypes(copy);
    Y.applyUpdate(copy, update, CHECKED);
    if (otherTypes(copy) !== othersBefore) return this.refuse("In Suggesting mode only the text can change.");
    const after = this.children(fragment, identity);
    if (after.length !== before.length || after.some((node, i) => node !== before[i])) {
      return this.refuse(
        "You are suggesting: a change to the accepted text, to another person's suggestion, or to headings, lists and paragraphs cannot be made directly. Type or delete words to suggest a change.",
      );
    }
    this.passed = update;
    return { ok: true };
  }

  destroy() {
    this.doc.off("afterTransaction", this.noteChange);
    this.dropCopy();
  }

  /** The projections of a fragment's or element's children, in order (text nodes with nothing left are none). */
  private children(type: Y.XmlFragment | Y.XmlElement, identity: SuggestionIdentity): string[] {
    const out: string[] = [];
    for (const child of type.toArray()) {
      if (!(child instanceof Y.XmlElement) && !(child instanceof Y.XmlText)) continue;
      let projection = this.projected.get(child);
      if (projection === undefined) {
        projection =
          child instanceof Y.XmlElement
            ? `{"n":${JSON.stringify(child.nodeName)},"a":${canonicalJson(child.getAttributes())},"c":[${this.children(child, identity).join(",")}]}`
            : textProjection(child, identity);
        this.projected.set(child, projection);
      }
      if (projection !== null) out.push(projection);
    }
    return out;
  }

  private makeCopy(): Y.Doc {
    const copy = new Y.Doc({ gc: false });
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
    this.caughtUp();
    // A node's projection is stale once it or anything under it changed (catching up, or a check).
    copy.on("afterTransaction", (transaction: Y.Transaction) => {
      for (const type of transaction.changed.keys()) this.forget(type);
      for (const type of transaction.changedParentTypes.keys()) this.forget(type);
    });
    this.copy = copy;
    this.idleTimer = setTimeout(() => this.dropCopy(), COPY_IDLE_MS).unref();
    return copy;
  }

  private forget(type: object) {
    if (type instanceof Y.XmlElement || type instanceof Y.XmlText) this.projected.delete(type);
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
    this.caughtUp();
  }

  /** The copy holds everything the document did (or there is no copy): nothing left to apply. */
  private caughtUp() {
    this.followed = [];
    this.unreported = 0;
    this.passed = null;
  }
}

/** Whether a transaction added or deleted anything. */
function changedAnything(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of transaction.afterState) if (transaction.beforeState.get(client) !== clock) return true;
  return false;
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
