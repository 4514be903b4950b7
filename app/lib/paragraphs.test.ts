import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summaryOf, toParagraphs, leadOf } from "./paragraphs";

describe("toParagraphs", () => {
  it("splits on blank lines and joins single line breaks", () => {
    expect(toParagraphs("One\nline.\r\n\r\nTwo.\n  \n\n Three ")).toEqual(["One line.", "Two.", "Three"]);
  });

  it("keeps markup as text", () => {
    expect(toParagraphs("<script>alert(1)</script> & *not* markdown")).toEqual(["<script>alert(1)</script> & *not* markdown"]);
  });

  it("never yields an empty paragraph, nor one with a line break", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", " ", "\n", "\r", "\t", "b") }), (text) => {
        for (const p of toParagraphs(text)) {
          expect(p).not.toBe("");
          expect(p).not.toMatch(/[\r\n]/);
        }
      }),
    );
  });
});

describe("summaryOf", () => {
  it("keeps a short first paragraph whole", () => {
    expect(summaryOf("Short.\n\nSecond.")).toBe("Short.");
  });

  it("cuts a long one at a word", () => {
    const s = summaryOf("word ".repeat(100), 50);
    expect(s.length).toBeLessThanOrEqual(50);
    expect(s.endsWith("word…")).toBe(true);
  });
});

describe("leadOf", () => {
  it("keeps the first sentence or two that fit, and cuts a long first sentence at a word", () => {
    expect(leadOf("One. Two! Three?")).toBe("One. Two!");
    expect(leadOf("A short one. " + "b".repeat(10) + " " + "long ".repeat(60))).toBe("A short one.");
    expect(leadOf("Only one sentence without a stop")).toBe("Only one sentence without a stop");
    expect(leadOf("word ".repeat(80), 40)).toBe("word word word word word word word…");
    expect(leadOf("First paragraph.\n\nSecond paragraph.")).toBe("First paragraph.");
    expect(leadOf("")).toBe("");
  });
});
