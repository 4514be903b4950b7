import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { positions } from "../../db/schema";
import { makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";
import { childrenNamed, parseXmlStrictly, type XmlElement } from "../support/xml";

const ATOM = "http://www.w3.org/2005/Atom";

// Everything that broke the feed or a reader: two CDATA ends, markup, an ampersand, a bare "<",
// control characters (U+0001, U+0008, U+000B, U+001F are not XML 1.0 characters; tab, CR, LF and
// U+007F are), U+FFFE (not a character either), and characters beyond the Basic Multilingual Plane.
const HOSTILE_TITLE = "Wheelchairs ]]> now ]]> & <img src=x onerror=alert(1)> a < b \u0001\u0008\u000b\u001f\u007f\ufffe 🦽 𝒜";
const HOSTILE_SUMMARY = "Plans must pay ]]><script>alert(1)</script>]]> &amp; more\r\nsecond\tline <b>bold</b> \u0002 \uD83E\uDDBD";

/** What XML 1.0 can carry of a text: its disallowed characters removed, nothing else changed. */
const asXml = (text: string) =>
  [...text]
    .filter((c) => c.codePointAt(0)! >= 0x20 || c === "\t" || c === "\n" || c === "\r")
    .filter((c) => c !== "\ufffe" && c !== "\uffff")
    .join("");

describe("the Atom feed", () => {
  let server: TestServer;
  let admin: TestClient;
  beforeAll(async () => {
    server = await startTestServer({ roundScheduler: false });
    const convener = await makePerson(server.database.db, { role: "convener" });
    admin = new TestClient(server.url);
    await signInAs(server.database.db, admin, convener.id);
  });
  afterAll(() => server?.close());

  async function publishPosition(title: string, summary: string) {
    const { roundId } = await adoptProposal(server, admin, { title: "A proposal for the feed" });
    const res = await admin.post(`/app/rounds/${roundId}/publish`, {
      releaseAt: "",
      title: "A plain title for now",
      summary: "A plain summary for now. It says what the position asks for.",
    });
    expect(res.status).toBe(302);
    const [position] = await server.database.db.select().from(positions).where(eq(positions.roundId, roundId));
    // Stored as anyone could have typed it (the publish form is not the only way text gets here).
    await server.database.db.update(positions).set({ title, summary }).where(eq(positions.id, position!.id));
    return position!;
  }

  it("parses with a strict XML parser whatever a title says, and reads back every title as typed", async () => {
    const hostile = await publishPosition(HOSTILE_TITLE, HOSTILE_SUMMARY);
    const plain = await publishPosition("Dental care for adults", "Plans should cover dental care. Teeth are health too.");

    const res = await new TestClient(server.url).get("/feed.atom");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(res.text).not.toContain("CDATA");
    expect(res.text).not.toContain("<img");
    const feed = parseXmlStrictly(res.text);
    expect(feed).toMatchObject({ name: "feed", uri: ATOM });

    const entries = childrenNamed(feed, "entry");
    expect(entries.length).toBeGreaterThanOrEqual(2);
    // RFC 4287 4.1.2: every entry has exactly one id, title and updated, and (having no content) an alternate link.
    for (const entry of entries) {
      for (const name of ["id", "title", "updated"]) expect(childrenNamed(entry, name), name).toHaveLength(1);
      expect(new Date(only(entry, "updated").text).toISOString()).toBe(only(entry, "updated").text);
      const alternate = childrenNamed(entry, "link").filter((l) => (l.attributes.rel ?? "alternate") === "alternate");
      expect(alternate).toHaveLength(1);
      expect(alternate[0]!.attributes.href).toMatch(new RegExp(`^${server.url}/positions/`));
      expect(only(entry, "title").attributes.type).toBe("text");
    }
    const byLink = (slug: string) => entries.find((e) => only(e, "id").text === `${server.url}/positions/${slug}`)!;
    const hostileEntry = byLink(hostile.slug);
    expect(only(hostileEntry, "title").text).toBe(asXml(HOSTILE_TITLE));
    expect(only(hostileEntry, "title").text).toContain("]]> now ]]> & <img src=x onerror=alert(1)> a < b");
    expect(only(hostileEntry, "title").text).toContain("🦽 𝒜");
    expect(only(hostileEntry, "title").children).toEqual([]);
    expect(only(hostileEntry, "summary").attributes.type).toBe("text");
    expect(only(hostileEntry, "summary").text).toBe(asXml(HOSTILE_SUMMARY));
    expect(only(byLink(plain.slug), "title").text).toBe("Dental care for adults");

    // The feed's own required elements (RFC 4287 4.1.1).
    for (const name of ["id", "title", "updated"]) expect(childrenNamed(feed, name), name).toHaveLength(1);
    expect(childrenNamed(feed, "link").map((l) => l.attributes.rel)).toEqual(expect.arrayContaining(["alternate", "self"]));
  });
});

function only(element: XmlElement, name: string): XmlElement {
  const found = childrenNamed(element, name);
  if (found.length !== 1) throw new Error(`expected one <${name}>, found ${found.length}`);
  return found[0]!;
}
