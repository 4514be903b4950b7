import fc from "fast-check";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { checkUpdate, isValidStateVector } from "./decode";

function docWithText(text: string, clientID?: number) {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  const fragment = doc.getXmlFragment("default");
  const paragraph = new Y.XmlElement("paragraph");
  fragment.insert(0, [paragraph]);
  paragraph.insert(0, [new Y.XmlText(text)]);
  return doc;
}

type Corruption =
  | { kind: "none" }
  | { kind: "truncate"; at: number }
  | { kind: "flip"; at: number; bit: number }
  | { kind: "splice"; at: number; remove: number; insert: Uint8Array };

describe("checkUpdate", () => {
  it("accepts a valid V1 update and says whether it changes anything", () => {
    const server = docWithText("hello");
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const sv = Y.encodeStateVector(client);
    ((client.getXmlFragment("default").get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(5, " world");
    const update = Y.encodeStateAsUpdate(client, sv);
    // The writers are the client ids under which the update adds items: the client's own only.
    expect(checkUpdate(update, server)).toEqual({ ok: true, changes: true, writers: [client.clientID] });
    Y.applyUpdate(server, update);
    expect(checkUpdate(update, server)).toEqual({ ok: true, changes: false, writers: [] });
    expect(checkUpdate(Y.encodeStateAsUpdate(server), server)).toMatchObject({ ok: true, changes: false });
  });

  it("sees a deletion as a change, and an old deletion as none", () => {
    const server = docWithText("hello");
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const sv = Y.encodeStateVector(client);
    ((client.getXmlFragment("default").get(0) as Y.XmlElement).get(0) as Y.XmlText).delete(0, 2);
    const update = Y.encodeStateAsUpdate(client, sv);
    expect(checkUpdate(update, server)).toMatchObject({ ok: true, changes: true });
    Y.applyUpdate(server, update);
    expect(checkUpdate(update, server)).toMatchObject({ ok: true, changes: false });
  });

  it("refuses V2, truncation, trailing bytes and missing dependencies", () => {
    const server = docWithText("hello");
    const other = docWithText("other");
    const sv = Y.encodeStateVector(other);
    ((other.getXmlFragment("default").get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, "x");
    const dependent = Y.encodeStateAsUpdate(other, sv);
    const full = Y.encodeStateAsUpdate(other);
    expect(checkUpdate(Y.encodeStateAsUpdateV2(other), server).ok).toBe(false);
    expect(checkUpdate(full.slice(0, full.length - 3), server).ok).toBe(false);
    expect(checkUpdate(new Uint8Array([...full, 7]), server).ok).toBe(false);
    expect(checkUpdate(dependent, server)).toMatchObject({ ok: false });
    expect(checkUpdate(full, server)).toMatchObject({ ok: true, changes: true });
  });

  it("never throws and never lets an update leave missing dependencies (property)", () => {
    // Fixed client ids, so that a seed reproduces a run (Yjs picks them at random).
    const server = docWithText("the agreed text", 1);
    const before = Y.encodeStateAsUpdate(server);

    // A valid update: a client that has the server's state makes a few edits (insert, delete,
    // a new paragraph, a mark), and sends what changed, or its whole state.
    const edit = fc.oneof(
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant("paragraph" as const), text: fc.string({ maxLength: 8 }) }),
      fc.record({ kind: fc.constant("bold" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 5 }) }),
    );
    const validUpdate = fc
      .record({ edits: fc.array(edit, { minLength: 1, maxLength: 5 }), whole: fc.boolean() })
      .map(({ edits, whole }) => {
        const client = new Y.Doc();
        client.clientID = 2;
        Y.applyUpdate(client, before);
        const sv = Y.encodeStateVector(client);
        const fragment = client.getXmlFragment("default");
        for (const e of edits) {
          const text = (fragment.get(fragment.length - 1) as Y.XmlElement).get(0) as Y.XmlText | undefined;
          if (e.kind === "paragraph") {
            const paragraph = new Y.XmlElement("paragraph");
            fragment.insert(fragment.length, [paragraph]);
            paragraph.insert(0, [new Y.XmlText(e.text)]);
          } else if (text && e.kind === "insert") text.insert(e.at % (text.length + 1), e.text);
          else if (text && text.length > 0 && e.kind === "delete")
            text.delete(e.at % text.length, Math.min(e.length, text.length - (e.at % text.length)));
          else if (text && text.length > 0 && e.kind === "bold") text.format(e.at % text.length, e.length, { bold: true });
        }
        return whole ? Y.encodeStateAsUpdate(client) : Y.encodeStateAsUpdate(client, sv);
      });
    // Then, mostly, broken: cut short, a bit flipped, bytes spliced in or out.
    const corruption: fc.Arbitrary<Corruption> = fc.oneof(
      { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant("splice" as const),
          at: fc.nat(),
          remove: fc.integer({ min: 0, max: 4 }),
          insert: fc.uint8Array({ maxLength: 6 }),
        }),
      },
    );
    const corrupt = (update: Uint8Array, c: Corruption) => {
      const bytes = [...update];
      if (c.kind === "truncate") return new Uint8Array(bytes.slice(0, c.at % bytes.length));
      if (c.kind === "flip") {
        bytes[c.at % bytes.length]! ^= 1 << c.bit;
        return new Uint8Array(bytes);
      }
      if (c.kind === "splice") {
        bytes.splice(c.at % (bytes.length + 1), c.remove, ...c.insert);
        return new Uint8Array(bytes);
      }
      return update;
    };

    const outcomes = { appliedChanges: 0, unchanged: 0, refused: 0, corruptedButAccepted: 0 };
    fc.assert(
      fc.property(validUpdate, corruption, (update, c) => {
        const bytes = corrupt(update, c);
        const result = checkUpdate(bytes, server);
        if (!result.ok) {
          outcomes.refused++;
          return;
        }
        if (c.kind !== "none") outcomes.corruptedButAccepted++;
        if (!result.changes) {
          outcomes.unchanged++;
          return;
        }
        outcomes.appliedChanges++;
        const copy = new Y.Doc();
        Y.applyUpdate(copy, before);
        Y.applyUpdate(copy, bytes);
        expect(copy.store.pendingStructs).toBeNull();
        expect(copy.store.pendingDs).toBeNull();
      }),
      { numRuns: 1000, seed: 7 },
    );
    // The property checked what it names: many updates were accepted and applied (the inner
    // assertions ran), some of them corrupted ones that still decode, and many were refused.
    expect(outcomes.appliedChanges).toBeGreaterThan(150);
    expect(outcomes.corruptedButAccepted).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(200);
    expect(Y.encodeStateAsUpdate(server)).toEqual(before);
  });
});

describe("isValidStateVector", () => {
  it("accepts encoded state vectors and refuses garbage", () => {
    expect(isValidStateVector(Y.encodeStateVector(docWithText("a")))).toBe(true);
    expect(isValidStateVector(new Uint8Array([0]))).toBe(true);
    expect(isValidStateVector(new Uint8Array([0x80]))).toBe(false);
    expect(isValidStateVector(new Uint8Array([1, 5]))).toBe(false);
    expect(isValidStateVector(new Uint8Array([0, 1]))).toBe(false);
  });
});
