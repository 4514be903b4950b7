import { and, eq } from "drizzle-orm";
import type * as Y from "yjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DiffPart } from "../../app/lib/block-diff";
import { getProposalHistory } from "../../app/models/proposals.server";
import { changesSinceLastVisit } from "../../app/models/authorship.server";
import { proposalVisits } from "../../db/schema";
import { setSponsors } from "../../db/queries/proposals";
import { compactDocument } from "../../server/collab/persistence";
import { connectCollab, makeProposal, signedInCookie, typeInto, type TestCollabClient } from "../support/collab";
import { makeOrganization } from "../support/factories";
import { modelContext, sessionPersonOf, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const clients: TestCollabClient[] = [];
beforeAll(async () => {
  server = await startTestServer({ collabLimits: { recheckMs: 200, unloadDelayMs: 60_000 } });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

const context = () => modelContext(server);
const sessionPerson = (cookie: string) => sessionPersonOf(server, cookie);

const firstText = (doc: Y.Doc) => (doc.getXmlFragment("default").get(0) as Y.XmlElement).get(0) as Y.XmlText;

/** The comparison's changes as "+words (Person, Organization)" / "−words (…)", in reading order. */
function changes(parts: DiffPart[]): string[] {
  return parts
    .filter((p) => p.kind !== "same")
    .map((p) => `${p.kind === "inserted" ? "+" : "−"}${p.text.trim()} (${p.by ? `${p.by.name}, ${p.by.organization}` : "not recorded"})`);
}

it("a comparison names who made each insertion and deletion, from who sent the updates; one organization's changes alone", async () => {
  const db = server.database.db;
  const tag = Math.random().toString(36).slice(2, 8);
  const lead = await makeOrganization(db, { name: `North Patients ${tag}` });
  const sponsor = await makeOrganization(db, { name: `South Care ${tag}` });
  const proposal = await makeProposal(db, { leadOrganizationId: lead.id });
  await setSponsors(db, proposal.id, [sponsor.id]);
  const lena = await signedInCookie(server.url, db, { organizationId: lead.id, name: "Lena Lead" });
  const cora = await signedInCookie(server.url, db, { organizationId: sponsor.id, name: "Cora Cosponsor" });

  // Lena writes the first text; a version is saved.
  const lenaClient = connectCollab(server.url, proposal.id, { cookie: lena.cookie, saved: true });
  clients.push(lenaClient);
  await lenaClient.synced();
  typeInto(lenaClient.doc, "Care must be free for everyone.");
  await lenaClient.saved();
  const person = await sessionPerson(lena.cookie);
  const revision = await server.collab.service.saveRevision({ proposalId: proposal.id, authorId: lena.person.id, label: "First" });

  // Cora (another organization, a stock y-websocket client) adds words and removes "must".
  const coraClient = connectCollab(server.url, proposal.id, { cookie: cora.cookie, saved: true });
  clients.push(coraClient);
  await coraClient.synced();
  const coraText = firstText(coraClient.doc);
  coraText.insert(coraText.length, " Always.");
  coraText.delete("Care ".length, "must ".length);
  await coraClient.saved();
  // Lena removes "for everyone" and adds a word of her own.
  const lenaText = firstText(lenaClient.doc);
  const at = lenaText.toString().indexOf(" for everyone");
  lenaText.delete(at, " for everyone".length);
  lenaText.insert(0, "Basic ");
  await lenaClient.saved();
  expect(lenaText.toString()).toBe("Basic Care be free. Always.");

  const compare = async (organization: string | null = null) => {
    const history = await getProposalHistory(context(), person, proposal.id, { from: revision.id, to: "current", organization });
    return changes(history!.diff!.blocks.flatMap((b) => b.parts));
  };
  const expected = [
    "+Basic (Lena Lead, North Patients " + tag + ")",
    "−must (Cora Cosponsor, South Care " + tag + ")",
    "−for everyone (Lena Lead, North Patients " + tag + ")",
    "+Always. (Cora Cosponsor, South Care " + tag + ")",
  ];
  expect(await compare()).toEqual(expected);

  // Who deleted what survives compaction of the log into the snapshot.
  const { folded } = await compactDocument(db, proposal.id);
  expect(folded).toBeGreaterThan(0);
  expect(await compare()).toEqual(expected);

  // One organization's changes alone: the other's insertions read as text, its deletions are left out.
  expect(await compare(sponsor.id)).toEqual([expected[1], expected[3]]);
  expect(await compare(lead.id)).toEqual([expected[0], expected[2]]);
  const history = await getProposalHistory(context(), person, proposal.id, { from: revision.id, to: "current", organization: sponsor.id });
  const text = history!.diff!.blocks.flatMap((b) => b.parts.filter((p) => p.kind !== "deleted").map((p) => p.text)).join("");
  expect(text).toBe("Basic Care be free. Always.");
  expect(history!.diff!.authors.map((a) => a.organization).sort()).toEqual([`North Patients ${tag}`, `South Care ${tag}`]);

  // The other direction (current → the saved version) names the same people.
  const back = await getProposalHistory(context(), person, proposal.id, { from: "current", to: revision.id });
  expect(changes(back!.diff!.blocks.flatMap((b) => b.parts)).sort()).toEqual(
    [
      "−Basic (Lena Lead, North Patients " + tag + ")",
      "+must (Cora Cosponsor, South Care " + tag + ")",
      "+for everyone (Lena Lead, North Patients " + tag + ")",
      "−Always. (Cora Cosponsor, South Care " + tag + ")",
    ].sort(),
  );
});

it("changes since a person last looked: by whom, the same list on a reload, nothing on a first visit", async () => {
  const db = server.database.db;
  const tag = Math.random().toString(36).slice(2, 8);
  const lead = await makeOrganization(db, { name: `West Patients ${tag}` });
  const other = await makeOrganization(db, { name: `East Forum ${tag}` });
  const proposal = await makeProposal(db, { leadOrganizationId: lead.id });
  const lena = await signedInCookie(server.url, db, { organizationId: lead.id, name: "Lena Lead" });
  const sam = await signedInCookie(server.url, db, { organizationId: other.id, name: "Sam Reader" });
  const lenaClient = connectCollab(server.url, proposal.id, { cookie: lena.cookie, saved: true });
  clients.push(lenaClient);
  await lenaClient.synced();
  typeInto(lenaClient.doc, "Care must be free.");
  await lenaClient.saved();

  expect(await changesSinceLastVisit(context(), sam.person.id, proposal.id)).toBeNull();
  firstText(lenaClient.doc).insert("Care must be free.".length, " Always.");
  firstText(lenaClient.doc).delete(0, "Care ".length);
  await lenaClient.saved();
  // Within the same visit (less than an hour later): still no earlier visit to compare with.
  expect(await changesSinceLastVisit(context(), sam.person.id, proposal.id)).toBeNull();

  // Two hours later: a new visit shows what changed since the end of the last one.
  await db
    .update(proposalVisits)
    .set({ seenAt: new Date(Date.now() - 2 * 3600_000) })
    .where(and(eq(proposalVisits.proposalId, proposal.id), eq(proposalVisits.personId, sam.person.id)));
  typeInto(lenaClient.doc, " Now.");
  await lenaClient.saved();
  const shown = (r: Awaited<ReturnType<typeof changesSinceLastVisit>>) => r?.changes.map(({ kind, text, by }) => ({ kind, text, by }));
  // The first visit's look came after "Always." and the deletion: only " Now." is new since.
  expect(shown(await changesSinceLastVisit(context(), sam.person.id, proposal.id))).toEqual([
    { kind: "inserted", text: "Now.", by: `Lena Lead (West Patients ${tag})` },
  ]);
  // A reload in the same visit shows the same list.
  expect(shown(await changesSinceLastVisit(context(), sam.person.id, proposal.id))).toEqual([
    { kind: "inserted", text: "Now.", by: `Lena Lead (West Patients ${tag})` },
  ]);
});
