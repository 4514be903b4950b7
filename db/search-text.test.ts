import { describe, expect, it } from "vitest";
import { SEARCH_TEXT_MAX, searchText } from "./search-text";

describe("searchText", () => {
  it("is nothing to search for when the box is empty or blank", () => {
    expect(searchText(undefined)).toBeUndefined();
    expect(searchText(null)).toBeUndefined();
    expect(searchText("   ")).toBeUndefined();
  });

  it("replaces what PostgreSQL refuses (NUL, lone surrogates) with U+FFFD, which matches no word", () => {
    expect(searchText("\u0000")).toBe("\uFFFD");
    expect(searchText("care\u0000access")).toBe("care\uFFFDaccess");
    expect(searchText("a\uD800b\uDC00")).toBe("a\uFFFDb\uFFFD");
    expect(searchText("😀 emoji")).toBe("😀 emoji");
  });

  it("keeps at most SEARCH_TEXT_MAX characters, never half of one", () => {
    expect(searchText("x".repeat(10_000))).toHaveLength(SEARCH_TEXT_MAX);
    expect(Array.from(searchText("😀".repeat(300))!)).toHaveLength(SEARCH_TEXT_MAX);
  });
});
