import { describe, expect, it } from "vitest";
import { storableJson, storableText } from "./storable-text";

describe("storableText", () => {
  it("replaces NUL and unpaired surrogates, keeps everything else", () => {
    expect(storableText("a\u0000b")).toBe("a\uFFFDb");
    expect(storableText("java\u0000script:")).toBe("java\uFFFDscript:");
    expect(storableText("\uD800x\uDC00")).toBe("\uFFFDx\uFFFD");
    expect(storableText("😀 \t\n\u0001")).toBe("😀 \t\n\u0001");
  });

  it("reaches every string of a JSON value, keys included", () => {
    const json = { type: "doc", content: [{ type: "text", text: "x\u0000", marks: [{ attrs: { href: "h\u0000" } }] }], "k\u0000": 1 };
    expect(JSON.stringify(storableJson(json))).not.toContain("\\u0000");
    expect(storableJson(json).content[0]!.marks[0]!.attrs.href).toBe("h\uFFFD");
  });
});
