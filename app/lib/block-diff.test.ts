import { describe, expect, it } from "vitest";
import { blocksOf, blocksOfText, diffBlocks, type DocNode } from "./block-diff";

const t = (text: string): DocNode => ({ type: "text", text });
const p = (text: string): DocNode => ({ type: "paragraph", content: [t(text)] });
const h = (level: number, text: string): DocNode => ({ type: "heading", attrs: { level }, content: [t(text)] });
const ul = (...items: string[]): DocNode => ({ type: "bulletList", content: items.map((i) => ({ type: "listItem", content: [p(i)] })) });
const doc = (...content: DocNode[]): DocNode => ({ type: "doc", content });

describe("blocksOf", () => {
  it("keeps headings, list items and paragraphs apart, in order", () => {
    expect(blocksOf(doc(h(2, "Aim"), p("Repair fast."), ul("Wheelchairs", "Lifts"), p("")))).toEqual([
      { kind: "heading", level: 2, list: null, text: "Aim" },
      { kind: "paragraph", level: 0, list: null, text: "Repair fast." },
      { kind: "listItem", level: 0, list: "bullet", text: "Wheelchairs" },
      { kind: "listItem", level: 0, list: "bullet", text: "Lifts" },
    ]);
    expect(blocksOfText("One.\n\nTwo.")).toHaveLength(2);
  });
});

describe("diffBlocks", () => {
  it("keeps the blocks' kinds and never lets a mark span two blocks", () => {
    const before = blocksOf(doc(h(2, "Aim"), p("Repair fast."), ul("Wheelchairs")));
    const after = blocksOf(doc(h(3, "Aim"), p("Repair very fast."), ul("Wheelchairs", "Lifts"), p("New closing words.")));
    const { blocks } = diffBlocks(before, after);
    expect(blocks.map((b) => [b.kind, b.level, b.change])).toEqual([
      ["heading", 2, "deleted"],
      ["heading", 3, "inserted"],
      ["paragraph", 0, "changed"],
      ["listItem", 0, "same"],
      ["listItem", 0, "inserted"],
      ["paragraph", 0, "inserted"],
    ]);
    // Each block holds only its own text: joined, a block's parts are that block, nothing more.
    const texts = blocks.map((b) => b.parts.map((part) => part.text).join(""));
    expect(texts).toEqual(["Aim", "Aim", "Repair very fast.", "Wheelchairs", "Lifts", "New closing words."]);
    for (const part of blocks.flatMap((b) => b.parts)) expect(part.text).not.toMatch(/\n\n/);
  });

  it("shows an inserted and a deleted paragraph whole, and counts their words", () => {
    const before = blocksOf(doc(p("Keep this."), p("Drop these three."), p("End.")));
    const after = blocksOf(doc(p("Keep this."), p("End."), p("Add two.")));
    const result = diffBlocks(before, after);
    expect(result.blocks.map((b) => [b.change, b.parts])).toEqual([
      ["same", [{ kind: "same", text: "Keep this." }]],
      ["deleted", [{ kind: "deleted", text: "Drop these three." }]],
      ["same", [{ kind: "same", text: "End." }]],
      ["inserted", [{ kind: "inserted", text: "Add two." }]],
    ]);
    expect([result.inserted, result.deleted]).toEqual([2, 3]);
  });

  it("marks a word changed inside a list item within that item", () => {
    const before = blocksOf(doc(ul("Repair within five days", "Loan chairs")));
    const after = blocksOf(doc(ul("Repair within three days", "Loan chairs")));
    const result = diffBlocks(before, after);
    expect(result.blocks[0]).toEqual({
      kind: "listItem",
      level: 0,
      list: "bullet",
      change: "changed",
      parts: [
        { kind: "same", text: "Repair within " },
        { kind: "deleted", text: "five" },
        { kind: "inserted", text: "three" },
        { kind: "same", text: " days" },
      ],
    });
    expect(result.blocks[1]!.change).toBe("same");
    expect([result.inserted, result.deleted]).toEqual([1, 1]);
  });

  it("says nothing changed for the same text", () => {
    const blocks = blocksOf(doc(h(2, "Aim"), p("Same.")));
    expect(diffBlocks(blocks, blocks)).toMatchObject({ inserted: 0, deleted: 0 });
  });
});
