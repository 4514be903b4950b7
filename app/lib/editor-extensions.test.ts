import { getSchema } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { proposalExtensions } from "./editor-extensions";
import { SUGGESTION_DELETE, SUGGESTION_INSERT } from "./suggestions";

describe("the proposal schema", () => {
  const schema = getSchema(proposalExtensions());

  it("keeps StarterKit's schema: the same nodes and marks, in the same order, without code", () => {
    // Recorded from StarterKit 3.31.3 as configured before the extensions were imported one by one.
    expect(Object.keys(schema.nodes)).toEqual([
      "paragraph",
      "blockquote",
      "bulletList",
      "doc",
      "hardBreak",
      "heading",
      "horizontalRule",
      "listItem",
      "orderedList",
      "text",
      "table",
      "tableCell",
      "tableHeader",
      "tableRow",
    ]);
    expect(Object.keys(schema.marks)).toEqual(["link", "bold", "italic", "strike", "underline", SUGGESTION_INSERT, SUGGESTION_DELETE]);
    expect(schema.topNodeType.name).toBe("doc");
  });

  it("does not extend a link with text typed right after it", () => {
    expect(schema.marks.link!.spec.inclusive).toBe(false);
  });

  it("has the two suggestion marks, not inclusive, which can lie on the same words", () => {
    for (const name of [SUGGESTION_INSERT, SUGGESTION_DELETE]) expect(schema.marks[name]!.spec.inclusive).toBe(false);
    // Another person's suggested insertion can be suggested for deletion.
    expect(schema.marks[SUGGESTION_INSERT]!.excludes(schema.marks[SUGGESTION_DELETE]!)).toBe(false);
  });
});
