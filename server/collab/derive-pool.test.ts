import { getSchema } from "@tiptap/core";
import { prosemirrorJSONToYDoc } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proposalExtensions } from "../../app/lib/editor-extensions";
import { SUGGESTION_DELETE, SUGGESTION_INSERT } from "../../app/lib/suggestions";
import { createLogger } from "../logger";
import { deriveBody } from "./derive";
import { DeriveError, DerivePool, InlineDeriver } from "./derive-pool";
import { foldUpdates } from "./persistence";

const schema = getSchema(proposalExtensions());
const author = { id: "s1", by: "p1", name: "A. Person", orgId: "o1", org: "An organization" };

/** The derive tests' documents, a suggestion of each kind, and a 60,000-character text. */
function documents(): { rich: Y.Doc; unknown: Y.Doc; large: Y.Doc; empty: Y.Doc } {
  const rich = prosemirrorJSONToYDoc(
    schema,
    {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Cover <everyone> & more" }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "bold", marks: [{ type: "bold" }] },
            { type: "text", text: " safe", marks: [{ type: "link", attrs: { href: "https://example.org/a?b=1&c=2" } }] },
            { type: "text", text: " bad", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] },
            { type: "text", text: " added", marks: [{ type: SUGGESTION_INSERT, attrs: author }] },
            { type: "text", text: " removed", marks: [{ type: SUGGESTION_DELETE, attrs: { ...author, id: "s2" } }] },
          ],
        },
        { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "one" }] }] }] },
      ],
    },
    "default",
  );
  const unknown = new Y.Doc();
  const script = new Y.XmlElement("script");
  unknown.getXmlFragment("default").insert(0, [script]);
  script.insert(0, [new Y.XmlText("alert(1)")]);
  const kept = new Y.XmlElement("paragraph");
  unknown.getXmlFragment("default").insert(1, [kept]);
  kept.insert(0, [new Y.XmlText("kept\u0000")]);
  const large = new Y.Doc();
  const fragment = large.getXmlFragment("default");
  for (let i = 0; i < 500; i++) {
    const paragraph = new Y.XmlElement("paragraph");
    fragment.push([paragraph]);
    paragraph.insert(0, [new Y.XmlText(`Paragraph ${i}: ` + "coverage access research equity ".repeat(4).slice(0, 105))]);
  }
  return { rich, unknown, large, empty: new Y.Doc() };
}

/** A document's history as its separate updates (a snapshot-less log). */
function asLog(doc: Y.Doc): Uint8Array[] {
  const copy = new Y.Doc();
  const updates: Uint8Array[] = [];
  copy.on("update", (u: Uint8Array) => updates.push(u));
  const text = copy.getXmlFragment("default");
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  // And one more edit on top, as typing would add.
  const paragraph = new Y.XmlElement("paragraph");
  text.push([paragraph]);
  paragraph.insert(0, [new Y.XmlText("typed later")]);
  return updates;
}

const log = createLogger("silent");

async function eventually(check: () => boolean) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 10_000) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
let pool: DerivePool;

beforeAll(async () => {
  pool = new DerivePool({ size: 1, log });
  await pool.start();
});
afterAll(() => pool?.stop());

describe("the derive worker", () => {
  it("derives exactly what the main thread derives, and folds as compaction does", async () => {
    expect(pool.degraded).toBe(false);
    for (const [name, doc] of Object.entries(documents())) {
      const state = Y.encodeStateAsUpdate(doc);
      expect(await pool.body([state]), name).toEqual(deriveBody(doc));
      const updates = asLog(doc);
      const inlineState = foldUpdates(null, updates);
      const inlineDoc = new Y.Doc();
      Y.applyUpdate(inlineDoc, inlineState);
      expect(await pool.fold(updates), name).toEqual(inlineState);
      const both = await pool.bodyAndState([state, ...updates]);
      expect(both.state, name).toEqual(foldUpdates(state, updates));
      expect(both.body, name).toEqual(deriveBody(inlineDoc));
      expect(both.body, name).toEqual(await new InlineDeriver().body(updates));
    }
    const body = await pool.body([Y.encodeStateAsUpdate(documents().rich)]);
    expect(body.text).toBe("Cover <everyone> & more\n\nbold safe bad removed\n\n- one");
  });

  it("replaces a worker ended in the middle of a job, and the job is still answered", async () => {
    const large = documents().large;
    const [first] = pool.workers;
    const answer = pool.body([Y.encodeStateAsUpdate(large)]);
    // The job has been handed to the worker (dispatch is synchronous): end it under the job.
    await first!.terminate();
    expect(await answer).toEqual(deriveBody(large));
    expect(pool.workers).toHaveLength(1);
    expect(pool.workers[0]).not.toBe(first);
  });

  it("refuses a damaged document without ending the worker", async () => {
    const [worker] = pool.workers;
    await expect(pool.body([new Uint8Array([1, 200, 7, 9, 9, 9])])).rejects.toBeInstanceOf(DeriveError);
    expect(pool.workers[0]).toBe(worker);
    expect((await pool.body([Y.encodeStateAsUpdate(documents().rich)])).text).toContain("Cover");
  });

  it("gives up on a job whose worker ends every time", async () => {
    const small = new DerivePool({ size: 1, log, attempts: 2, jobTimeoutMs: 1 });
    await small.start();
    try {
      // Any derive takes longer than 1 ms: each try ends its worker, and after two the job is refused.
      await expect(small.body([Y.encodeStateAsUpdate(documents().large)])).rejects.toThrow(/ended 2 times/);
      expect(small.degraded).toBe(false);
    } finally {
      await small.stop();
    }
    expect(small.workers).toHaveLength(0);
  });

  it("ends a worker left idle, and starts one again for the next job", async () => {
    const lazy = new DerivePool({ size: 1, log, idleMs: 20 });
    await lazy.start();
    try {
      const rich = documents().rich;
      expect(await lazy.body([Y.encodeStateAsUpdate(rich)])).toEqual(deriveBody(rich));
      await eventually(() => lazy.workers.length === 0);
      expect(await lazy.body([Y.encodeStateAsUpdate(rich)])).toEqual(deriveBody(rich));
    } finally {
      await lazy.stop();
    }
  });
});
