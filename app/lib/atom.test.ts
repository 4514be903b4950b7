import { describe, expect, it } from "vitest";
import { escapeXml, xmlCharacters } from "./atom";

describe("xmlCharacters", () => {
  it("removes what XML 1.0 cannot carry and keeps everything else", () => {
    expect(xmlCharacters("a\u0001b\u001fc\ufffed\uffff")).toBe("abcd");
    expect(xmlCharacters("lone \ud83e and \udd7d surrogates")).toBe("lone  and  surrogates");
    expect(xmlCharacters("tab\tcr\rlf\n del\u007f 🦽 \ud83e\uddbd 中")).toBe("tab\tcr\rlf\n del\u007f 🦽 🦽 中");
  });
});

describe("escapeXml", () => {
  it("escapes markup, quotes and the whitespace a parser would change", () => {
    expect(escapeXml(`]]> <img src="x"> & a\r\nb\tc`)).toBe("]]&gt; &lt;img src=&quot;x&quot;&gt; &amp; a&#13;&#10;b&#9;c");
  });
});
