import { and, asc, eq, like } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUGGESTION_DELETE, SUGGESTION_INSERT, type SuggestionAttrs } from "../../app/lib/suggestions";
import { changeOpenEditing, resolveProposalSuggestions } from "../../app/models/suggestions.server";
import { listPassageThreads, replyToThread, resolveThread, startPassageThread } from "../../app/models/passage-comments.server";
import { listClientIds } from "../../db/queries/proposal-documents";
import { getRevision, setSponsors } from "../../db/queries/proposals";
import { auditEvents, outbox } from "../../db/schema";
import { connectCollab, eventually, makeProposal, signedInCookie, typeInto, type TestCollabClient } from "../support/collab";
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

function track(client: TestCollabClient) {
  clients.push(client);
  return client;
}

const context = () => modelContext(server);
const sessionPerson = (cookie: string) => sessionPersonOf(server, cookie);

/** The text of the first paragraph, with each run's suggestion mark spelled out. */
function runs(doc: Y.Doc): string {
  const paragraph = doc.getXmlFragment("default").get(0) as Y.XmlElement;
  const text = paragraph.get(0) as Y.XmlText;
  return (text.toDelta() as { insert: string; attributes?: Record<string, { name?: string }> }[])
    .map((op) => {
      const a = op.attributes ?? {};
      if (a[SUGGESTION_INSERT]) return `[+${op.insert}+ ${a[SUGGESTION_INSERT].name}]`;
      if (a[SUGGESTION_DELETE]) return `[-${op.insert}- ${a[SUGGESTION_DELETE].name}]`;
      return op.insert;
    })
    .join("");
}

function firstText(doc: Y.Doc): Y.XmlText {
  return (doc.getXmlFragment("default").get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

/**
 * A draft led by one organization with some agreed text, its lead's editor connected, and a
 * representative of another active member organization connected as a suggester.
 */
async function draftWithSuggester() {
  const db = server.database.db;
  const proposal = await makeProposal(db);
  const lead = await signedInCookie(server.url, db, { organizationId: proposal.leadOrganizationId, name: "Lena Lead" });
  const editor = track(connectCollab(server.url, proposal.id, { cookie: lead.cookie, saved: true }));
  await editor.synced();
  typeInto(editor.doc, "Care must be free.");
  await editor.saved();
  const organization = await makeOrganization(db, { name: `Patients United ${proposal.id.slice(0, 6)}` });
  const other = await signedInCookie(server.url, db, { organizationId: organization.id, name: "Sam Suggester" });
  const suggester = track(connectCollab(server.url, proposal.id, { cookie: other.cookie, saved: true }));
  await suggester.synced();
  await eventually(() => suggester.access?.suggesting === true, "suggesting access");
  const attrs = (id: string): SuggestionAttrs => ({
    id,
    by: other.person.id,
    name: "Sam Suggester",
    orgId: organization.id,
    org: organization.name,
  });
  return { proposal, lead, editor, other, suggester, organization, attrs };
}

const documentState = (proposalId: string) => server.collab.hub.documentState(proposalId)!;

describe("who may change a draft, enforced by the collaboration server", () => {
  it("refuses a suggesting client's plain insertion, deletion and formatting; the document stays byte-identical", async () => {
    const { proposal, editor, suggester } = await draftWithSuggester();
    expect(suggester.access!.reason).toContain("You are suggesting");
    expect(editor.access).toMatchObject({ readOnly: false, suggesting: false });
    const before = documentState(proposal.id);

    typeInto(suggester.doc, " Sneaky words.");
    await eventually(() => suggester.refusals.length === 1, "refusal of the insertion");
    expect(suggester.refusals[0]).toMatch(/^suggesting: this edit was refused and not saved\. You are suggesting/);
    expect(Buffer.from(documentState(proposal.id)).equals(Buffer.from(before))).toBe(true);

    // A fresh client for each attempt: a refused update leaves the refused client's clock ahead.
    suggester.destroy();
    for (const attempt of [(doc: Y.Doc) => firstText(doc).delete(0, 5), (doc: Y.Doc) => firstText(doc).format(0, 4, { bold: {} })]) {
      const again = track(connectCollab(server.url, proposal.id, { cookie: (await draftCookie(proposal.id)).cookie, saved: true }));
      await again.synced();
      await eventually(() => again.access?.suggesting === true, "suggesting access");
      attempt(again.doc);
      await eventually(() => again.refusals.length === 1, "refusal");
      expect(Buffer.from(documentState(proposal.id)).equals(Buffer.from(before))).toBe(true);
      again.destroy();
    }
    // Nor may it write into any other shared type of the document.
    const mapWriter = track(connectCollab(server.url, proposal.id, { cookie: (await draftCookie(proposal.id)).cookie, saved: true }));
    await mapWriter.synced();
    await eventually(() => mapWriter.access?.suggesting === true, "suggesting access");
    mapWriter.doc.getMap("notes").set("hidden", "words outside the text");
    await eventually(() => mapWriter.refusals.length === 1, "refusal of a change outside the text");
    expect(Buffer.from(documentState(proposal.id)).equals(Buffer.from(before))).toBe(true);
    expect(runs(editor.doc)).toBe("Care must be free.");
  });

  it("accepts a suggester's own suggestion marks, relays them, and refuses a mark under another name", async () => {
    const { proposal, editor, suggester, attrs, lead } = await draftWithSuggester();
    const text = firstText(suggester.doc);
    suggester.doc.transact(() => {
      text.insert(text.length - 1, " at the point of use", { [SUGGESTION_INSERT]: attrs("ins1") });
      text.format(10, 4, { [SUGGESTION_DELETE]: attrs("del1") });
    });
    await suggester.saved();
    expect(suggester.refusals).toEqual([]);
    await eventually(() => runs(editor.doc) === runs(suggester.doc), "the editor sees the suggestions");
    expect(runs(editor.doc)).toBe("Care must [-be f- Sam Suggester]ree[+ at the point of use+ Sam Suggester].");

    const before = documentState(proposal.id);
    const spoof = track(connectCollab(server.url, proposal.id, { cookie: (await draftCookie(proposal.id)).cookie, saved: true }));
    await spoof.synced();
    await eventually(() => spoof.access?.suggesting === true, "suggesting access");
    const t = firstText(spoof.doc);
    t.insert(0, "Forged ", { [SUGGESTION_INSERT]: { ...attrs("x"), by: lead.person.id, name: "Lena Lead" } });
    await eventually(() => spoof.refusals.length === 1, "refusal of a mark under another name");
    expect(Buffer.from(documentState(proposal.id)).equals(Buffer.from(before))).toBe(true);
  });

  it("refuses an update written under another person's client id", async () => {
    const { proposal, editor, lead } = await draftWithSuggester();
    const stored = await listClientIds(server.database.db, proposal.id);
    expect(stored).toContainEqual({ clientId: editor.doc.clientID, personId: lead.person.id });
    const db = server.database.db;
    const colleague = await signedInCookie(server.url, db, { organizationId: proposal.leadOrganizationId });
    const impostor = track(connectCollab(server.url, proposal.id, { cookie: colleague.cookie, saved: true }));
    await impostor.synced();
    // After the sync (Yjs would pick a new id on seeing its own id in a remote update).
    const ownId = impostor.doc.clientID;
    impostor.doc.clientID = editor.doc.clientID;
    const before = documentState(proposal.id);
    typeInto(impostor.doc, " Written as Lena.");
    await eventually(() => impostor.refusals.length === 1, "refusal");
    expect(impostor.refusals[0]).toMatch(/another person's client id/);
    expect(Buffer.from(documentState(proposal.id)).equals(Buffer.from(before))).toBe(true);
    impostor.doc.clientID = ownId;
  });

  it("a convener opens a draft to direct editing by every member and closes it again, audited", async () => {
    const { proposal, suggester } = await draftWithSuggester();
    const convener = await signedInCookie(server.url, server.database.db, { role: "convener" });
    const actor = await sessionPerson(convener.cookie);
    await expect(changeOpenEditing(context(), actor, proposal.id, true)).resolves.toEqual({ changed: true });
    await eventually(() => suggester.access?.suggesting === false && suggester.access.readOnly === false, "editing access");
    await expect(changeOpenEditing(context(), actor, proposal.id, false)).resolves.toEqual({ changed: true });
    await eventually(() => suggester.access?.suggesting === true, "suggesting again");
    const events = await server.database.db
      .select({ action: auditEvents.action, actorId: auditEvents.actorId })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, proposal.id), like(auditEvents.action, "proposal.editing.%")))
      .orderBy(asc(auditEvents.seq));
    expect(events).toEqual([
      { action: "proposal.editing.opened", actorId: actor.id },
      { action: "proposal.editing.closed", actorId: actor.id },
    ]);
    const representative = await sessionPerson((await draftCookie(proposal.id)).cookie);
    await expect(changeOpenEditing(context(), representative, proposal.id, true)).rejects.toThrow(/Only conveners/);
  });

  it("co-sponsors edit directly; accepting and rejecting give exactly the expected text and audit events", async () => {
    const { proposal, editor, suggester, attrs, lead, other } = await draftWithSuggester();
    const text = firstText(suggester.doc);
    suggester.doc.transact(() => {
      text.insert(text.length - 1, " for everyone", { [SUGGESTION_INSERT]: attrs("a1") });
      text.format(0, 5, { [SUGGESTION_DELETE]: attrs("d1") });
    });
    await suggester.saved();
    const leadPerson = await sessionPerson(lead.cookie);
    const suggesterPerson = await sessionPerson(other.cookie);
    await expect(
      resolveProposalSuggestions(context(), suggesterPerson, proposal.id, { decision: "accept", suggestionIds: ["insert:a1"] }),
    ).rejects.toThrow(/Only conveners and the lead and co-sponsoring organizations/);

    await resolveProposalSuggestions(context(), leadPerson, proposal.id, { decision: "accept", suggestionIds: ["insert:a1"] });
    await resolveProposalSuggestions(context(), leadPerson, proposal.id, { decision: "reject", suggestionIds: ["delete:d1"] });
    await eventually(() => runs(editor.doc) === "Care must be free for everyone.", "accepted and rejected text at the editor");
    await eventually(() => runs(suggester.doc) === "Care must be free for everyone.", "and at the suggester");
    const events = await server.database.db
      .select({ action: auditEvents.action, actorId: auditEvents.actorId, after: auditEvents.after })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, proposal.id), like(auditEvents.action, "proposal.suggestion.%")))
      .orderBy(asc(auditEvents.seq));
    expect(events).toEqual([
      {
        action: "proposal.suggestion.accepted",
        actorId: leadPerson.id,
        after: expect.objectContaining({ suggestion: "insert:a1", suggesterId: other.person.id, words: " for everyone" }),
      },
      {
        action: "proposal.suggestion.rejected",
        actorId: leadPerson.id,
        after: expect.objectContaining({ suggestion: "delete:d1", suggesterId: other.person.id, words: "Care " }),
      },
    ]);

    // A co-sponsor's representative edits directly too.
    const sponsor = await makeOrganization(server.database.db);
    await setSponsors(server.database.db, proposal.id, [sponsor.id]);
    const cosponsor = await signedInCookie(server.url, server.database.db, { organizationId: sponsor.id });
    const direct = track(connectCollab(server.url, proposal.id, { cookie: cosponsor.cookie, saved: true }));
    await direct.synced();
    await eventually(() => direct.access?.readOnly === false && direct.access.suggesting === false, "editing access for the co-sponsor");
    typeInto(direct.doc, " Now.");
    await direct.saved();
    expect(direct.refusals).toEqual([]);
  });

  it("withdraws only one's own suggestions; all of one organization's at once", async () => {
    const { proposal, editor, suggester, attrs, lead, other, organization } = await draftWithSuggester();
    const text = firstText(suggester.doc);
    suggester.doc.transact(() => {
      text.insert(0, "Good ", { [SUGGESTION_INSERT]: attrs("w1") });
      text.insert(text.length, " Really.", { [SUGGESTION_INSERT]: attrs("w2") });
    });
    await suggester.saved();
    const suggesterPerson = await sessionPerson(other.cookie);
    await resolveProposalSuggestions(context(), suggesterPerson, proposal.id, { decision: "withdraw", suggestionIds: ["insert:w1"] });
    await eventually(() => runs(editor.doc) === "Care must be free.[+ Really.+ Sam Suggester]", "withdrawn");
    const leadPerson = await sessionPerson(lead.cookie);
    await expect(
      resolveProposalSuggestions(context(), leadPerson, proposal.id, { decision: "withdraw", suggestionIds: ["insert:w2"] }),
    ).rejects.toThrow(/only your own/);
    await resolveProposalSuggestions(context(), leadPerson, proposal.id, {
      decision: "accept",
      suggestionIds: [],
      organizationId: organization.id,
    });
    await eventually(() => runs(editor.doc) === "Care must be free. Really.", "all of the organization's accepted");
  });

  it("freezes the accepted text for a round: pending insertions left out, pending deletions kept", async () => {
    const { proposal, suggester, attrs, lead } = await draftWithSuggester();
    const text = firstText(suggester.doc);
    suggester.doc.transact(() => {
      text.insert(text.length - 1, " of charge", { [SUGGESTION_INSERT]: attrs("r1") });
      text.format(0, 5, { [SUGGESTION_DELETE]: attrs("r2") });
    });
    await suggester.saved();
    await expect(server.collab.service.listSuggestions(proposal.id)).resolves.toHaveLength(2);
    // The convener opening a round is warned, with their number.
    const convener = await signedInCookie(server.url, server.database.db, { role: "convener" });
    const page = await convener.client.get(`/app/proposals/${proposal.id}/round`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("2 suggestions are still open on this draft.");
    const { revision } = await server.collab.service.lockProposalForRound({
      proposalId: proposal.id,
      actorId: lead.person.id,
      label: "For the round",
      inTransaction: async () => null,
    });
    const frozen = await getRevision(server.database.db, proposal.id, revision.id);
    expect(frozen!.text).toBe("Care must be free.");
    expect(JSON.stringify(frozen!.prosemirrorJson)).not.toContain("suggestion");
  });
});

describe("comments on a passage", () => {
  it("anchor in the text, mention an organization (its representatives get mail), take replies, and are resolved by the author or a reviewer", async () => {
    const { proposal, editor, other, organization, lead } = await draftWithSuggester();
    const db = server.database.db;
    const colleague = await signedInCookie(server.url, db, { organizationId: organization.id });
    const text = firstText(editor.doc);
    const encode = (index: number) =>
      Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index))).toString("base64");
    const author = await sessionPerson(other.cookie);
    const thread = await startPassageThread(context(), author, proposal.id, {
      anchorFrom: encode(5),
      anchorTo: encode(17),
      quote: "must be free",
      body: `Please look, @${organization.name}.`,
    });
    expect(thread).not.toBeNull();
    const mails = await db
      .select({ to: outbox.toAddress, subject: outbox.subject })
      .from(outbox)
      .where(like(outbox.subject, `%mentioned ${organization.name}%`));
    expect(mails.map((m) => m.to)).toEqual([colleague.person.email]);
    await expect(
      startPassageThread(context(), author, proposal.id, { anchorFrom: "not base64!", anchorTo: encode(1), quote: "x", body: "y" }),
    ).rejects.toThrow(/Select the words again/);

    const stranger = await sessionPerson((await draftCookie(proposal.id)).cookie);
    await replyToThread(context(), stranger, proposal.id, thread!.id, "I agree.");
    await expect(resolveThread(context(), stranger, proposal.id, thread!.id, true)).rejects.toThrow(/Only the thread's author/);
    await resolveThread(context(), await sessionPerson(lead.cookie), proposal.id, thread!.id, true);
    const [listed] = await listPassageThreads(context(), author, proposal.id, false);
    expect(listed).toMatchObject({ quote: "must be free", resolved: { by: "Lena Lead" }, canResolve: true });
    expect(listed!.comments.map((c) => c.body)).toEqual([`Please look, @${organization.name}.`, "I agree."]);
  });
});

/** A new suggester: a representative of another active member organization. */
async function draftCookie(_proposalId: string) {
  const organization = await makeOrganization(server.database.db);
  return signedInCookie(server.url, server.database.db, { organizationId: organization.id });
}
