import fc from "fast-check";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { checkUpdate, isValidStateVector } from "./decode";

function docWithText(text: string) {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment("default");
  const paragraph = new Y.XmlElement("paragraph");
  fragment.insert(0, [paragraph]);
  paragraph.insert(0, [new Y.XmlText(text)]);
  return doc;
}

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
    const server = docWithText("the agreed text");
    const before = Y.encodeStateAsUpdate(server);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = checkUpdate(bytes, server);
        if (result.ok && result.changes) {
          const copy = new Y.Doc();
          Y.applyUpdate(copy, before);
          Y.applyUpdate(copy, bytes);
          expect(copy.store.pendingStructs).toBeNull();
          expect(copy.store.pendingDs).toBeNull();
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
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
