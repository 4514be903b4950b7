import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, outbox, proposalComments, proposalSponsors, proposals } from "../../db/schema";
import { setOrganizationStatus } from "../../db/queries/organizations";
import { listRevisions } from "../../db/queries/proposals";
import { connectCollab, makeProposal } from "../support/collab";
import { makeOrganization, makePerson, signIn } from "../support/factories";
import { TestClient } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import * as Y from "yjs";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ collabLimits: { deriveDebounceMs: 50, unloadDelayMs: 100 } });
});
afterAll(async () => {
  await server?.close();
});

async function representative(organizationId?: string) {
  const person = await makePerson(server.database.db, organizationId ? { organizationId } : {});
  const client = new TestClient(server.url);
  await signIn(client, person.email);
  return { person, client };
}

async function auditActions(proposalId: string) {
  const rows = await server.database.db
    .select({ action: auditEvents.action })
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectType, "proposal"), eq(auditEvents.subjectId, proposalId)));
  return rows.map((r) => r.action);
}

describe("proposals", () => {
  it("sends the public to the login page and answers 404 for an unknown proposal", async () => {
    const anonymous = new TestClient(server.url);
    const res = await anonymous.get("/app/proposals");
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login/);
    const { client } = await representative();
    expect((await client.get("/app/proposals/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await client.get("/app/proposals/not-an-id")).status).toBe(404);
    expect((await client.get("/app/proposals/not-an-id/history")).status).toBe(404);
  });

  it("creates a proposal from the form, with its sponsors, audited; a bad form is refused with 400", async () => {
    const db = server.database.db;
    const sponsor = await makeOrganization(db, { name: "Sponsor Org for the form" });
    const { person, client } = await representative();
    const refused = await client.post("/app/proposals/new", { title: "", summary: "x" });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Enter title.");
    expect(refused.text).toContain("Choose at least one pillar.");

    const res = await client.post("/app/proposals/new", {
      title: "Cap insulin copays",
      summary: "Insulin should cost no more than $35 a month.",
      pillars: ["coverage", "access"],
      sponsorIds: [sponsor.id, person.organizationId!],
    });
    expect(res.status).toBe(302);
    const id = /\/app\/proposals\/([0-9a-f-]{36})/.exec(res.location!)![1]!;
    const [row] = await db.select().from(proposals).where(eq(proposals.id, id));
    expect(row!.leadOrganizationId).toBe(person.organizationId);
    expect(row!.pillars).toEqual(["coverage", "access"]);
    const sponsors = await db.select().from(proposalSponsors).where(eq(proposalSponsors.proposalId, id));
    expect(sponsors.map((s) => s.organizationId)).toEqual([sponsor.id]);
    expect(await auditActions(id)).toContain("proposal.created");

    const page = await client.get(`/app/proposals/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Cap insulin copays");
    expect(page.text).toContain('aria-label="Proposal text"');
    expect(page.headers.get("Content-Security-Policy")).toContain("style-src 'self' 'unsafe-inline'");
    expect(page.headers.get("Content-Security-Policy")).toContain("connect-src 'self'");
    const list = await client.get("/app/proposals");
    expect(list.headers.get("Content-Security-Policy")).not.toContain("unsafe-inline");
  });

  it("lists, filters by pillar and status, and searches title, summary and text", async () => {
    const db = server.database.db;
    const org = await makeOrganization(db, { name: "Searchers United" });
    const { client, person } = await representative(org.id);
    const a = await makeProposal(db, { leadOrganizationId: org.id, title: "Telehealth parity everywhere" });
    await db
      .update(proposals)
      .set({ pillars: ["access"], bodyText: "Audio-only visits count as visits." })
      .where(eq(proposals.id, a.id));
    const b = await makeProposal(db, { leadOrganizationId: org.id, title: "Registry funding" });
    await db
      .update(proposals)
      .set({ pillars: ["research"], status: "adopted", summary: "Fund rare disease registries." })
      .where(eq(proposals.id, b.id));

    const all = await client.get("/app/proposals");
    expect(all.text).toContain("Telehealth parity everywhere");
    expect(all.text).toContain("Registry funding");
    const access = await client.get("/app/proposals?pillar=access");
    expect(access.text).toContain("Telehealth parity everywhere");
    expect(access.text).not.toContain("Registry funding");
    const adopted = await client.get("/app/proposals?status=adopted");
    expect(adopted.text).toContain("Registry funding");
    expect(adopted.text).not.toContain("Telehealth parity everywhere");
    expect((await client.get("/app/proposals?q=visits")).text).toContain("Telehealth parity everywhere");
    expect((await client.get("/app/proposals?q=registries")).text).toContain("Registry funding");
    expect((await client.get("/app/proposals?q=zebra-unicorn")).text).toContain("No proposal matches these filters.");
    // The dashboard lists the organization's proposals.
    const dashboard = await client.get("/app");
    expect(dashboard.text).toContain("Telehealth parity everywhere");
    void person;
  });

  it("pages the list: 50 proposals a page, newest change first, with the filters kept", async () => {
    const db = server.database.db;
    const { person, client } = await representative();
    const word = `pagetest${Date.now()}`;
    // A second apart, so that "newest change first" is not decided by ids (PGlite's clock can give
    // two proposals made a moment apart the same instant).
    const start = Date.now() - 60_000;
    for (let i = 1; i <= 55; i++) {
      const p = await makeProposal(db, {
        leadOrganizationId: person.organizationId!,
        createdById: person.id,
        title: `Paged ${word} number ${i}`,
      });
      await db
        .update(proposals)
        .set({ updatedAt: new Date(start + i * 1_000) })
        .where(eq(proposals.id, p.id));
    }
    const first = await client.get(`/app/proposals?q=${word}`);
    expect(first.status).toBe(200);
    expect(first.text).toContain("Proposals 1–50 matching these filters, newest change first (page 1).");
    expect(first.text).toContain(`Paged ${word} number 55<`);
    expect(first.text).not.toContain(`Paged ${word} number 5<`);
    expect(first.text).toContain(`href="/app/proposals?q=${word}&amp;page=2">Next page</a>`);
    expect(first.text).not.toContain("Previous page");
    const second = await client.get(`/app/proposals?q=${word}&page=2`);
    expect(second.text).toContain("Proposals 51–55 matching these filters, newest change first (page 2).");
    expect(second.text).toContain(`Paged ${word} number 1<`);
    expect(second.text).not.toContain(`Paged ${word} number 55<`);
    expect(second.text).toContain(`href="/app/proposals?q=${word}">Previous page</a>`);
    expect(second.text).not.toContain("Next page");
    const beyond = await client.get(`/app/proposals?q=${word}&page=3`);
    expect(beyond.text).toContain("No more proposals: this page is past the last one.");
    // A page number that is not one is the first page.
    expect((await client.get(`/app/proposals?q=${word}&page=x`)).text).toContain("(page 1).");
  });

  it("changes details (audited with before and after), refuses them when not a draft or suspended", async () => {
    const db = server.database.db;
    const org = await makeOrganization(db);
    const { client } = await representative(org.id);
    const p = await makeProposal(db, { leadOrganizationId: org.id, title: "Old title" });
    const change = { intent: "details", title: "New title", summary: "Now with a summary.", pillars: ["equity"] };
    const { intent: _, ...withoutIntent } = change;
    expect((await client.post(`/app/proposals/${p.id}`, withoutIntent)).status).toBe(400);
    expect((await client.post(`/app/proposals/${p.id}`, { ...change, intent: "nonsense" })).status).toBe(400);
    const [unchanged] = await db.select().from(proposals).where(eq(proposals.id, p.id));
    expect(unchanged!.title).toBe("Old title");
    const ok = await client.post(`/app/proposals/${p.id}`, change);
    expect(ok.status).toBe(200);
    const [row] = await db.select().from(proposals).where(eq(proposals.id, p.id));
    expect(row!.title).toBe("New title");
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "proposal.updated"), eq(auditEvents.subjectId, p.id)));
    expect(event!.before).toMatchObject({ title: "Old title" });
    expect(event!.after).toMatchObject({ title: "New title", pillars: ["equity"] });

    await db.update(proposals).set({ status: "in_round" }).where(eq(proposals.id, p.id));
    const locked = await client.post(`/app/proposals/${p.id}`, { ...change, title: "Sneaky" });
    expect(locked.status).toBe(409);
    await db.update(proposals).set({ status: "draft" }).where(eq(proposals.id, p.id));

    const suspended = await makeOrganization(db);
    const reader = await representative(suspended.id);
    await setOrganizationStatus(db, suspended.id, "suspended");
    const refused = await reader.client.post(`/app/proposals/${p.id}`, { ...change, title: "Sneaky" });
    expect(refused.status).toBe(409);
    const page = await reader.client.get(`/app/proposals/${p.id}`);
    expect(page.text).toContain("is suspended: you can read this proposal, but not edit it.");
    expect(page.text).not.toContain("Save version");
  });

  it("saves versions of the committed text and compares them block by block with visible markers", async () => {
    const db = server.database.db;
    const org = await makeOrganization(db);
    const { client } = await representative(org.id);
    const p = await makeProposal(db, { leadOrganizationId: org.id });
    const cookie = `care_session=${client.cookie("care_session")}`;
    const editor = connectCollab(server.url, p.id, { cookie, saved: true });
    try {
      await editor.synced();
      const block = (type: string, text: string, attrs: Record<string, number> = {}) => {
        const element = new Y.XmlElement(type);
        for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value as unknown as string);
        element.insert(0, [new Y.XmlText(text)]);
        return element;
      };
      // A heading, a paragraph and a bullet list.
      const write = (paragraph: string, items: string[]) => {
        const fragment = editor.doc.getXmlFragment("default");
        editor.doc.transact(() => {
          fragment.delete(0, fragment.length);
          const list = new Y.XmlElement("bulletList");
          fragment.insert(0, [block("heading", "Aim", { level: 2 }), block("paragraph", paragraph), list]);
          list.insert(
            0,
            items.map((text) => {
              const item = new Y.XmlElement("listItem");
              item.insert(0, [block("paragraph", text)]);
              return item;
            }),
          );
        });
      };
      write("Coverage for every child.", ["Repair within five days"]);
      await editor.saved();
      const first = await client.post(`/app/proposals/${p.id}`, { intent: "save-version", label: "First" });
      expect(first.status).toBe(200);
      write("Coverage for every adult and child.", ["Repair within three days", "Loan chairs"]);
      await editor.saved();
      const second = await client.post(`/app/proposals/${p.id}`, { intent: "save-version", label: "Second" });
      expect(second.status).toBe(200);
      expect((await listRevisions(db, p.id)).map((r) => [r.number, r.label])).toEqual([
        [2, "Second"],
        [1, "First"],
      ]);
      expect(await auditActions(p.id)).toContain("proposal.revision.created");

      const history = await client.get(`/app/proposals/${p.id}/history`);
      expect(history.status).toBe(200);
      expect(history.text).toContain("First");
      const ids = [...history.text.matchAll(/<option value="([0-9a-f-]{36})"/g)].map((m) => m[1]!);
      const [v2, v1] = [...new Set(ids)];
      const diff = await client.get(`/app/proposals/${p.id}/history?from=${v1}&to=${v2}`);
      const shown = diff.text.slice(diff.text.indexOf('<div class="diff">'));
      // The text's h2 sits below the page's h2; the paragraph and the list stay what they were.
      expect(shown).toMatch(/^<div class="diff"><h3 class="diff-same"><span>Aim<\/span><\/h3><p class="diff-changed">/);
      // Each change is followed by who made it (the server's record of who sent it).
      expect(shown).toMatch(
        /<span>Coverage for every <\/span><span class="change"><ins title="Added by [^"]+"[^>]*><span class="marker">\[\+<\/span><span class="visually-hidden"> added: <\/span>adult and <span class="marker">\+\]<\/span><\/ins><span class="change-by"> \(added by (<!-- -->)?[^<]+(<!-- -->)?\)<\/span><\/span><span>child\.<\/span><\/p>/,
      );
      expect(shown).toMatch(
        /<ul><li class="diff-changed"><span>Repair within <\/span><span class="change"><del[^>]*>.*five.*<\/del>.*<ins[^>]*>.*three.*<\/ins>.*<span> days<\/span><\/li>/,
      );
      expect(shown).toMatch(/<li class="diff-inserted"><span class="change"><ins[^>]*>.*Loan chairs.*<\/ins>.*<\/li><\/ul>/);
      // No mark crosses a block: inside every <ins> and <del> there are only the marker spans.
      const marks = [...shown.matchAll(/<(ins|del)[^>]*>(.*?)<\/\1>/g)].map((m) => m[2]!);
      expect(marks).toHaveLength(4);
      for (const inside of marks) expect(inside.replace(/<\/?span[^>]*>/g, "")).not.toMatch(/[<>]/);
      expect(diff.text).toContain("5 words added, 1 word removed.");
      const back = await client.get(`/app/proposals/${p.id}/history?from=${v2}&to=${v1}`);
      expect(back.text).toMatch(/<li class="diff-deleted"><span class="change"><del[^>]*>.*Loan chairs.*<\/del>.*<\/li>/);
      expect(back.text).toContain("[−");
      expect(back.text).toContain("1 word added, 5 words removed.");
    } finally {
      editor.destroy();
    }
  });

  it("a comment in the discussion that mentions an organization with @ mails its representatives", async () => {
    const db = server.database.db;
    const org = await makeOrganization(db);
    const named = await makeOrganization(db, { name: `Rare Kidney Network ${org.id.slice(0, 6)}` });
    const author = await representative(org.id);
    const reader = await makePerson(db, { organizationId: named.id });
    const p = await makeProposal(db, { leadOrganizationId: org.id });
    const body = `Could @${named.name} check the numbers?`;
    expect((await author.client.post(`/app/proposals/${p.id}`, { intent: "comment", body })).status).toBe(200);
    const mails = await db.select({ to: outbox.toAddress, subject: outbox.subject }).from(outbox).where(eq(outbox.toAddress, reader.email));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain(`mentioned ${named.name}`);
  });

  it("lets authors edit comments for 15 minutes and conveners hide them with a reason", async () => {
    const db = server.database.db;
    const org = await makeOrganization(db);
    const author = await representative(org.id);
    const p = await makeProposal(db, { leadOrganizationId: org.id });
    expect((await author.client.post(`/app/proposals/${p.id}`, { intent: "comment", body: "" })).status).toBe(400);
    expect((await author.client.post(`/app/proposals/${p.id}`, { intent: "comment", body: "First thoughts." })).status).toBe(200);
    const [comment] = await db.select().from(proposalComments).where(eq(proposalComments.proposalId, p.id));
    expect(
      (await author.client.post(`/app/proposals/${p.id}`, { intent: "edit-comment", commentId: comment!.id, body: "Second thoughts." }))
        .status,
    ).toBe(200);

    const other = await representative(org.id);
    expect(
      (await other.client.post(`/app/proposals/${p.id}`, { intent: "edit-comment", commentId: comment!.id, body: "Not mine" })).status,
    ).toBe(403);
    expect(
      (await other.client.post(`/app/proposals/${p.id}`, { intent: "hide-comment", commentId: comment!.id, reason: "No" })).status,
    ).toBe(403);

    await db
      .update(proposalComments)
      .set({ createdAt: new Date(Date.now() - 16 * 60 * 1000) })
      .where(eq(proposalComments.id, comment!.id));
    expect(
      (await author.client.post(`/app/proposals/${p.id}`, { intent: "edit-comment", commentId: comment!.id, body: "Too late" })).status,
    ).toBe(409);

    const convener = await makePerson(db, { role: "convener" });
    const convenerClient = new TestClient(server.url);
    await signIn(convenerClient, convener.email);
    expect(
      (await convenerClient.post(`/app/proposals/${p.id}`, { intent: "hide-comment", commentId: comment!.id, reason: "" })).status,
    ).toBe(400);
    expect(
      (
        await convenerClient.post(`/app/proposals/${p.id}`, {
          intent: "hide-comment",
          commentId: comment!.id,
          reason: "Personal information",
        })
      ).status,
    ).toBe(200);
    const [hidden] = await db.select().from(proposalComments).where(eq(proposalComments.id, comment!.id));
    expect(hidden!.hideReason).toBe("Personal information");
    expect(await auditActions(p.id)).toEqual(expect.arrayContaining(["comment.created", "comment.edited", "comment.hidden"]));
    expect((await author.client.get(`/app/proposals/${p.id}`)).text).not.toContain("Second thoughts.");
    expect((await convenerClient.get(`/app/proposals/${p.id}`)).text).toContain("Personal information");
  });
});
