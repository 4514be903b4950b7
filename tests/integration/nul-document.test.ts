import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizations, positions, proposalRevisions, proposals, rounds } from "../../db/schema";
import { connectCollab, eventually, makeProposal } from "../support/collab";
import { makeOrganization, makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/*
 * Any editor's client can write U+0000, or half a surrogate pair, into a proposal's text or into
 * an attribute (a link's target). PostgreSQL refuses them in text and jsonb; the derived forms are
 * made storable where they are made (server/collab/derive.ts), so the text is still stored, put
 * to a round, and published.
 */
let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer({ roundScheduler: false });
  const convener = await makePerson(server.database.db, { role: "convener" });
  admin = new TestClient(server.url);
  await signInAs(server.database.db, admin, convener.id);
});
afterAll(() => server?.close());

async function cookieFor(personId: string) {
  const client = new TestClient(server.url);
  await signInAs(server.database.db, client, personId);
  return { client, cookie: `care_session=${client.cookie("care_session")}` };
}

describe("a document holding characters PostgreSQL refuses", () => {
  it("is stored, put to a round and published, with U+FFFD in their place", async () => {
    const db = server.database.db;
    await db.update(organizations).set({ votingMember: false });
    const lead = await makeOrganization(db, { votingMember: false });
    const author = await makePerson(db, { organizationId: lead.id });
    const endorser = await makeOrganization(db);
    const voter = await makePerson(db, { organizationId: endorser.id, canVote: true });
    const proposal = await makeProposal(db, { leadOrganizationId: lead.id, createdById: author.id, title: "Nul proposal" });

    // A stock y-websocket client writes NUL in the text and in a link's href, and a lone surrogate.
    const { cookie } = await cookieFor(author.id);
    const editor = connectCollab(server.url, proposal.id, { cookie, saved: true });
    await editor.synced();
    editor.doc.transact(() => {
      const paragraph = new Y.XmlElement("paragraph");
      const text = new Y.XmlText();
      text.applyDelta([
        { insert: "Before\u0000after, half \uD800 a pair. " },
        { insert: "A link", attributes: { link: { href: "https://example.org/\u0000x" } } },
      ]);
      paragraph.insert(0, [text]);
      editor.doc.getXmlFragment("default").insert(0, [paragraph]);
    });
    await editor.saved();

    // The derived text is stored (it silently stopped being stored before).
    await eventually(async () => {
      const [row] = await db.select({ text: proposals.bodyText }).from(proposals).where(eq(proposals.id, proposal.id));
      return row!.text.includes("Before\uFFFDafter");
    }, "the derived text is stored");
    const [stored] = await db.select().from(proposals).where(eq(proposals.id, proposal.id));
    expect(stored!.bodyText).toBe("Before\uFFFDafter, half \uFFFD a pair. A link");
    expect(JSON.stringify(stored!.bodyJson)).toContain("https://example.org/\uFFFDx");
    editor.destroy();

    // Put to a round over HTTP.
    const open = await admin.post(`/app/proposals/${proposal.id}/round`, {
      deadline: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16),
      quorum: "1/1",
      thresholdPercent: "80",
    });
    expect(open.status).toBe(302);
    const roundId = open.location!.match(/rounds\/([0-9a-f-]{36})/)![1]!;
    const [round] = await db.select().from(rounds).where(eq(rounds.id, roundId));
    const [revision] = await db.select().from(proposalRevisions).where(eq(proposalRevisions.id, round!.revisionId));
    expect(revision!.text).toBe(stored!.bodyText);
    expect(revision!.html).toContain("Before\uFFFDafter");

    const { client: voterClient } = await cookieFor(voter.id);
    expect((await voterClient.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse", listPublicly: "on" })).status).toBe(302);
    expect((await admin.post(`/app/rounds/${roundId}`, { intent: "close", confirm: "yes" })).status).toBe(302);

    // Published, and readable.
    const published = await admin.post(`/app/rounds/${roundId}/publish`, {
      releaseAt: "",
      title: "Nul position",
      summary: "Health plans should pay for artificial limbs. People need them to walk and work.",
    });
    expect(published.status).toBe(302);
    const [position] = await db.select().from(positions).where(eq(positions.roundId, roundId));
    expect(position!.text).toContain("Before\uFFFDafter");
    const page = await new TestClient(server.url).get(`/positions/${position!.slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Before\uFFFDafter, half \uFFFD a pair.");
    expect((await admin.get(`/app/proposals/${proposal.id}`)).status).toBe(200);
    expect((await admin.get(`/app/proposals/${proposal.id}/history`)).status).toBe(200);
  });
});
