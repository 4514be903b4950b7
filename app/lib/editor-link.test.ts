import { getSchema } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { proposalExtensions } from "./editor-extensions";
import { addressIn, isAllowedLink } from "./editor-link";

describe("addresses written in the text", () => {
  it("recognises web and mail addresses, without trailing punctuation or brackets", () => {
    expect(addressIn("https://example.org/plan")).toEqual({ start: 0, text: "https://example.org/plan", href: "https://example.org/plan" });
    expect(addressIn("https://example.org/plan,")?.text).toBe("https://example.org/plan");
    expect(addressIn("(https://example.org/a?b=1).")).toEqual({
      start: 1,
      text: "https://example.org/a?b=1",
      href: "https://example.org/a?b=1",
    });
    expect(addressIn("www.example.net")?.href).toBe("https://www.example.net");
    expect(addressIn("office@example.org.")).toEqual({ start: 0, text: "office@example.org", href: "mailto:office@example.org" });
    expect(addressIn("mailto:office@example.org")?.href).toBe("mailto:office@example.org");
    expect(addressIn("HTTP://EXAMPLE.ORG")?.href).toBe("HTTP://EXAMPLE.ORG");
  });

  it("leaves alone what only looks like an address, and anything that could run code", () => {
    for (const word of [
      "javascript:alert(1)",
      "data:text/html,x",
      "localhost",
      "http://localhost",
      "https://",
      "mailto:",
      "mailto:nobody",
      "care@home",
      "example.org",
      "@mention",
      "word.",
    ])
      expect(addressIn(word), word).toBeNull();
  });

  it("keeps only http, https and mailto links", () => {
    expect(isAllowedLink("https://example.org")).toBe(true);
    expect(isAllowedLink("mailto:a@example.org")).toBe(true);
    expect(isAllowedLink("javascript:alert(1)")).toBe(false);
    expect(isAllowedLink("not a url")).toBe(false);
  });
});

describe("the link mark", () => {
  const schema = getSchema(proposalExtensions());
  const link = schema.marks.link!;

  it("has the attributes of Tiptap's link extension, so stored documents read the same", () => {
    expect(Object.keys(link.spec.attrs ?? {})).toEqual(["href", "target", "rel", "class", "title"]);
    expect(link.create({ href: "https://example.org" }).attrs.rel).toBe("noopener noreferrer nofollow");
  });

  it("writes no target that could run code", () => {
    const toDOM = link.spec.toDOM!;
    const [, safe] = toDOM(link.create({ href: "https://example.org/x" }), true) as [string, Record<string, string>];
    const [, unsafe] = toDOM(link.create({ href: "javascript:alert(1)" }), true) as [string, Record<string, string>];
    expect(safe.href).toBe("https://example.org/x");
    expect(unsafe.href).toBe("");
    expect(unsafe.rel).toBe("noopener noreferrer nofollow");
  });
});
