import { getSchema } from "@tiptap/core";
import { prosemirrorJSONToYDoc } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { proposalExtensions } from "../../app/lib/editor-extensions";
import { deriveBody, displayBodyHtml, renderBodyHtml, sanitizeBodyHtml } from "./derive";

const schema = getSchema(proposalExtensions());

describe("derived body", () => {
  it("renders the schema's nodes and marks, escapes text, keeps only safe links", () => {
    const json = {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Cover <everyone> & more" }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "bold", marks: [{ type: "bold" }] },
            { type: "text", text: " safe", marks: [{ type: "link", attrs: { href: "https://example.org/a?b=1&c=2" } }] },
            { type: "text", text: " mail", marks: [{ type: "link", attrs: { href: "mailto:office@example.org" } }] },
            { type: "text", text: " bad", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] },
          ],
        },
        { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "one" }] }] }] },
      ],
    };
    const body = deriveBody(prosemirrorJSONToYDoc(schema, json, "default"));
    expect(body.html).toContain("<h2>Cover &lt;everyone&gt; &amp; more</h2>");
    expect(body.html).toContain("<strong>bold</strong>");
    expect(body.html).toContain('<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow"> safe</a>');
    expect(body.html).toContain('href="mailto:office@example.org"');
    expect(body.html).not.toContain("javascript:");
    expect(body.html).toContain("<ul><li><p>one</p></li></ul>");
    expect(body.text).toBe("Cover <everyone> & more\n\nbold safe mail bad\n\n- one");
  });

  it("drops what the schema does not know, and the sanitizer drops scripts and handlers", () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment("default");
    const unknown = new Y.XmlElement("script");
    fragment.insert(0, [unknown]);
    unknown.insert(0, [new Y.XmlText("alert(1)")]);
    const paragraph = new Y.XmlElement("paragraph");
    fragment.insert(1, [paragraph]);
    paragraph.insert(0, [new Y.XmlText("kept")]);
    const body = deriveBody(doc);
    expect(body.html).not.toContain("script");
    expect(body.text).toContain("kept");
    expect(sanitizeBodyHtml('<p onclick="x()">a<script>b</script><img src=x onerror=y></p><a href="javascript:z">c</a>')).toBe(
      "<p>a</p><a>c</a>",
    );
    expect(renderBodyHtml({ type: "doc", content: [{ type: "nonsense" }] })).toBe("");
  });

  it("moves the text's headings one level below the page section that shows it, and still sanitizes", () => {
    const stored = "<h2>Goal</h2><p>Text</p><h3>Detail</h3><h4>Note</h4><script>alert(1)</script><h1>Forged</h1>";
    expect(displayBodyHtml(stored, 2)).toBe("<h3>Goal</h3><p>Text</p><h4>Detail</h4><h5>Note</h5>Forged");
    expect(displayBodyHtml(stored, 1)).toBe("<h2>Goal</h2><p>Text</p><h3>Detail</h3><h4>Note</h4>Forged");
    expect(displayBodyHtml("<h4>Deep</h4>", 5)).toBe("<h6>Deep</h6>");
    expect(displayBodyHtml("", 2)).toBe("");
  });
});
