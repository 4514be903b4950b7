import { getSchema } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { proposalExtensions } from "./editor-extensions";
import { SUGGESTION_DELETE, SUGGESTION_INSERT } from "./suggestions";

describe("the proposal schema", () => {
  const schema = getSchema(proposalExtensions());

  it("does not extend a link with text typed right after it", () => {
    expect(schema.marks.link!.spec.inclusive).toBe(false);
  });

  it("has the two suggestion marks, not inclusive, which can lie on the same words", () => {
    for (const name of [SUGGESTION_INSERT, SUGGESTION_DELETE]) expect(schema.marks[name]!.spec.inclusive).toBe(false);
    // Another person's suggested insertion can be suggested for deletion.
    expect(schema.marks[SUGGESTION_INSERT]!.excludes(schema.marks[SUGGESTION_DELETE]!)).toBe(false);
  });
});
