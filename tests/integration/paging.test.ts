import { desc, eq, sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addComment } from "../../db/queries/comments";
import { auditEvents, inquiries, outbox, people, positions, proposalComments } from "../../db/schema";
import { makeProposal } from "../support/collab";
import { makeAuditEvent, makeInquiry, makeMail, makeOrganization, makePerson, signIn } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let admin: TestClient;
let convenerId: string;
beforeAll(async () => {
  server = await startTestServer();
  const convener = await makePerson(server.database.db, { role: "convener" });
  convenerId = convener.id;
  admin = new TestClient(server.url);
  await signIn(admin, convener.email);
});
afterAll(async () => {
  await server?.close();
});

/** The target of the link with this text in a page, as a browser would follow it (or null). */
function linkTo(html: string, text: string): string | null {
  const match = new RegExp(`<a [^>]*href="([^"]+)"[^>]*>${text}</a>`).exec(html);
  return match ? match[1]!.replaceAll("&amp;", "&") : null;
}

/** The navigation landmark of a list's pages, or null when the page has none. */
function pagerOf(html: string, label: string): string | null {
  const start = html.indexOf(`<nav aria-label="${label}"`);
  return start < 0 ? null : html.slice(start, html.indexOf("</nav>", start));
}

/** The rows of a raw query (Db is the common type of both drivers, whose result types differ). */
async function rowsOf<T>(query: SQL): Promise<T[]> {
  return ((await server.database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Copies of one row of a table with new ids (rows the application would take many steps to make). */
async function cloneRow(table: string, id: string, copies: number, overrides: (i: number) => Record<string, string>) {
  const columns = (
    await rowsOf<{ column_name: string }>(
      sql`select column_name from information_schema.columns where table_name = ${table} and is_generated = 'NEVER' and table_schema = current_schema()`,
    )
  ).map((r) => r.column_name);
  for (let i = 1; i <= copies; i++) {
    const values = overrides(i);
    const select = columns.map((c) => (c === "id" ? sql`gen_random_uuid()` : c in values ? sql`${values[c]}` : sql.identifier(c)));
    const [row] = await rowsOf<{ id: string }>(
      sql`insert into ${sql.identifier(table)} (${sql.join(
        columns.map((c) => sql.identifier(c)),
        sql`, `,
      )}) select ${sql.join(select, sql`, `)} from ${sql.identifier(table)} where id = ${id} returning id`,
    );
    if (!row) throw new Error(`no ${table} row ${id}`);
  }
}

describe("paged lists", () => {
  it("pages the audit trail by sequence number, newer and older, to the last page", async () => {
    const db = server.database.db;
    for (let i = 0; i < 230; i++) await makeAuditEvent(db, { actorId: convenerId, action: "organization.updated" });
    const [{ newest }] = (await rowsOf<{ newest: number }>(sql`select max(seq)::int as newest from audit_events`)) as [{ newest: number }];
    const total = await db.$count(auditEvents);
    const first = await admin.get("/app/audit");
    expect(first.status).toBe(200);
    const nav = pagerOf(first.text, "Pages of the audit trail");
    expect(nav).toContain(`Events ${newest} to ${newest - 99}, newest first`);
    expect(linkTo(first.text, "Previous page")).toBeNull();
    const next = linkTo(first.text, "Next page");
    expect(next).toBe(`/app/audit?before=${newest - 99}`);

    const second = await admin.get(next!);
    expect(pagerOf(second.text, "Pages of the audit trail")).toContain(`Events ${newest - 100} to ${newest - 199}, newest first`);
    // Back from the second page is exactly the first.
    const back = await admin.get(linkTo(second.text, "Previous page")!);
    expect(pagerOf(back.text, "Pages of the audit trail")).toContain(`Events ${newest} to ${newest - 99}, newest first`);
    expect(linkTo(back.text, "Previous page")).toBeNull();

    // Following "Next page" reaches the oldest event, and the last page has no next page.
    let page = second;
    let pages = 2;
    while (linkTo(page.text, "Next page")) {
      page = await admin.get(linkTo(page.text, "Next page")!);
      pages++;
      if (pages > 10) throw new Error("too many pages");
    }
    expect(pages).toBe(Math.ceil(total / 100));
    expect(pagerOf(page.text, "Pages of the audit trail")).toMatch(/Events \d+ to 1, newest first/);
    expect(linkTo(page.text, "Previous page")).not.toBeNull();

    // An older page reached by going back (newer) still pages on both sides.
    const middle = await admin.get(`/app/audit?after=${newest - 150}`);
    expect(pagerOf(middle.text, "Pages of the audit trail")).toContain(`Events ${newest - 50} to ${newest - 149}, newest first`);
    expect(linkTo(middle.text, "Previous page")).toBe(`/app/audit?after=${newest - 50}`);
    expect(linkTo(middle.text, "Next page")).toBe(`/app/audit?before=${newest - 149}`);

    for (const bogus of ["?before=abc", "?before=-5", "?after=1e3", "?before=0", "?before=99999999999999999999"]) {
      const response = await admin.get(`/app/audit${bogus}`);
      expect(response.status, bogus).toBe(200);
      expect(pagerOf(response.text, "Pages of the audit trail"), bogus).toContain(`Events ${newest} to ${newest - 99}`);
    }
  });

  it("pages the outbox, mails written in one transaction neither skipped nor repeated", async () => {
    const db = server.database.db;
    const subjects: string[] = [];
    // 60 mails in one transaction share their created_at: the keyset's id decides their order.
    await db.transaction(async (tx) => {
      for (let i = 1; i <= 60; i++) {
        const subject = `Batch notice ${i}`;
        subjects.push(subject);
        await makeMail(tx, { subject });
      }
    });
    for (let i = 1; i <= 45; i++) {
      subjects.push(`Later notice ${i}`);
      await makeMail(db, { subject: `Later notice ${i}` });
    }
    const total = await db.$count(outbox);
    const seen: string[] = [];
    let response = await admin.get("/app/outbox");
    expect(response.status).toBe(200);
    expect(pagerOf(response.text, "Pages of the outbox")).toContain("The latest mail, written");
    expect(linkTo(response.text, "Previous page")).toBeNull();
    const pages: string[] = [];
    for (;;) {
      seen.push(...[...response.text.matchAll(/<strong>([^<]+)<\/strong> to /g)].map((m) => m[1]!));
      const next = linkTo(response.text, "Next page");
      if (!next) break;
      expect(next).toMatch(/^\/app\/outbox\?before=[0-9a-f-]{36}$/);
      pages.push(next);
      response = await admin.get(next);
      if (pages.length > 10) throw new Error("too many pages");
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(seen.length);
    for (const s of subjects) expect(seen).toContain(s);
    // Newest first, ties (the same created_at: one transaction, or a coarse clock) by id.
    const newestFirst = await db.select({ subject: outbox.subject }).from(outbox).orderBy(desc(outbox.createdAt), desc(outbox.id));
    expect(seen).toEqual(newestFirst.map((m) => m.subject));
    expect(pages).toHaveLength(Math.ceil(total / 50) - 1);
    // The last page goes back; back from the second page is the first.
    const second = await admin.get(pages[0]!);
    const back = await admin.get(linkTo(second.text, "Previous page")!);
    expect(linkTo(back.text, "Previous page")).toBeNull();
    expect(back.text.indexOf(`<strong>${newestFirst[0]!.subject}</strong>`)).toBeGreaterThan(0);

    for (const bogus of ["?before=not-an-id", "?after=%00", `?before=${crypto.randomUUID()}`]) {
      const page = await admin.get(`/app/outbox${bogus}`);
      expect(page.status, bogus).toBe(200);
      expect(pagerOf(page.text, "Pages of the outbox"), bogus).toContain("The latest mail");
    }
    // Representatives cannot read it, paged or not.
    const rep = await makePerson(db);
    const client = new TestClient(server.url);
    await signIn(client, rep.email);
    expect((await client.get(pages[0]!)).status).toBe(403);
  });

  it("pages a proposal's discussion: the latest comments first, oldest first within a page", async () => {
    const db = server.database.db;
    const author = await makePerson(db);
    const proposal = await makeProposal(db, {
      leadOrganizationId: author.organizationId!,
      createdById: author.id,
      title: "Much discussed",
    });
    const at = Date.now() - 200 * 60_000;
    for (let i = 1; i <= 120; i++) {
      const comment = await addComment(db, {
        proposalId: proposal.id,
        authorId: author.id,
        organizationId: author.organizationId,
        body: `Remark ${i}.`,
      });
      await db
        .update(proposalComments)
        .set({ createdAt: new Date(at + i * 60_000) })
        .where(eq(proposalComments.id, comment.id));
    }
    // A hidden comment among them: readers do not see it, and it takes no place on their pages.
    const [hidden] = await db.select().from(proposalComments).where(eq(proposalComments.body, "Remark 100."));
    await db
      .update(proposalComments)
      .set({ hiddenAt: new Date(), hiddenById: convenerId, hideReason: "Off topic" })
      .where(eq(proposalComments.id, hidden!.id));

    const reader = new TestClient(server.url);
    await signIn(reader, author.email);
    const path = `/app/proposals/${proposal.id}`;
    const latest = await reader.get(path);
    expect(latest.status).toBe(200);
    // The rendered discussion only (the page's loader data repeats the comments as JSON).
    const remarks = (html: string) => {
      const start = html.indexOf('<section aria-labelledby="discussion-heading"');
      const section = html.slice(start, html.indexOf("</section>", start));
      return [...section.matchAll(/Remark (\d+)\./g)].map((m) => Number(m[1]));
    };
    // 119 shown; the latest 50 are 70–120 without 100, oldest first.
    expect(remarks(latest.text)).toEqual([...Array.from({ length: 51 }, (_, i) => 70 + i)].filter((n) => n !== 100));
    expect(latest.text).toContain("119 comments, oldest first. The latest 50, written");
    expect(latest.text).toMatch(/One comment was(<!-- -->)? hidden by a convener\./);
    expect(linkTo(latest.text, "Later comments")).toBeNull();
    const earlier = linkTo(latest.text, "Earlier comments");
    expect(earlier).toMatch(new RegExp(`^${path}\\?comments-before=[0-9a-f-]{36}#discussion-heading$`));

    const middle = await reader.get(earlier!);
    expect(remarks(middle.text)).toEqual(Array.from({ length: 50 }, (_, i) => 20 + i));
    expect(middle.text).toContain("119 comments, oldest first. Earlier 50, written");
    const oldest = await reader.get(linkTo(middle.text, "Earlier comments")!);
    expect(remarks(oldest.text)).toEqual(Array.from({ length: 19 }, (_, i) => 1 + i));
    expect(linkTo(oldest.text, "Earlier comments")).toBeNull();
    // Later from the oldest page is the middle one; later from the middle is the latest page.
    const again = await reader.get(linkTo(oldest.text, "Later comments")!);
    expect(remarks(again.text)).toEqual(remarks(middle.text));
    const back = await reader.get(linkTo(again.text, "Later comments")!);
    expect(remarks(back.text)).toEqual(remarks(latest.text));
    expect(linkTo(back.text, "Later comments")).toBeNull();

    // A comment posted from an earlier page says where it went.
    const posted = await reader.post(earlier!.replace("#discussion-heading", ""), { intent: "comment", body: "Remark from the past." });
    expect(posted.status).toBe(200);
    expect(posted.text).toContain(`the latest comments</a>`);
    await db.delete(proposalComments).where(eq(proposalComments.body, "Remark from the past."));
    // A convener sees the hidden comment, marked, in its place.
    const forConvener = await admin.get(path);
    expect(remarks(forConvener.text)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(forConvener.text).toContain("Hidden by");

    for (const bogus of ["?comments-before=abc", "?comments-after=1", `?comments-before=${crypto.randomUUID()}`]) {
      const page = await reader.get(`${path}${bogus}`);
      expect(page.status, bogus).toBe(200);
      expect(remarks(page.text), bogus).toEqual(remarks(latest.text));
    }
    // A short discussion has no pages.
    const quiet = await makeProposal(db, { leadOrganizationId: author.organizationId!, createdById: author.id, title: "Quiet" });
    await addComment(db, { proposalId: quiet.id, authorId: author.id, organizationId: author.organizationId, body: "Remark alone." });
    const quietPage = await reader.get(`/app/proposals/${quiet.id}`);
    expect(pagerOf(quietPage.text, "Pages of the discussion")).toBeNull();
    expect(quietPage.text).toContain("Remark alone.");
  });

  it("pages the conveners' positions, 50 a page, latest release first", async () => {
    const db = server.database.db;
    const adopted = await adoptProposal(server, admin, { title: "Paged position", text: "Pay for care." });
    const published = await admin.post(`/app/rounds/${adopted.roundId}/publish`, {
      releaseAt: "",
      title: "Position number 0",
      summary: "Health plans should pay for care. People need it.",
    });
    expect(published.status).toBe(302);
    const [position] = await db.select().from(positions).where(eq(positions.roundId, adopted.roundId));
    const [round] = await rowsOf<{ id: string }>(sql`select id from rounds where id = ${adopted.roundId}`);
    // 54 more positions, each on a copy of the round, released a minute apart before the first.
    for (let i = 1; i <= 54; i++) {
      await cloneRow("rounds", round!.id, 1, () => ({}));
    }
    const copies = await rowsOf<{ id: string }>(
      sql`select id from rounds where id <> ${round!.id} and proposal_id = ${adopted.proposal.id}`,
    );
    expect(copies).toHaveLength(54);
    const base = position!.releaseAt.getTime();
    for (const [index, copy] of copies.entries()) {
      const i = index + 1;
      await cloneRow("positions", position!.id, 1, () => ({
        slug: `position-number-${i}`,
        round_id: copy.id,
        title: `Position number ${i}`,
        release_at: new Date(base - i * 60_000).toISOString(),
      }));
    }
    const titles = (html: string) => [...html.matchAll(/>Position number (\d+)<\/a>/g)].map((m) => Number(m[1]));
    const first = await admin.get("/app/positions");
    expect(first.status).toBe(200);
    expect(titles(first.text)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(pagerOf(first.text, "Pages of positions")).toContain("Page 1: positions 1–50, latest release first");
    expect(linkTo(first.text, "Previous page")).toBeNull();
    expect(linkTo(first.text, "Next page")).toBe("/app/positions?page=2");
    const last = await admin.get("/app/positions?page=2");
    expect(titles(last.text)).toEqual([50, 51, 52, 53, 54]);
    expect(pagerOf(last.text, "Pages of positions")).toContain("Page 2: positions 51–55, latest release first");
    expect(linkTo(last.text, "Next page")).toBeNull();
    expect(linkTo(last.text, "Previous page")).toBe("/app/positions");
    const beyond = await admin.get("/app/positions?page=7");
    expect(beyond.text).toContain("No more positions: this page is past the last one.");
    for (const bogus of ["?page=abc", "?page=-1", "?page=0", "?page=2.5", "?page=1e9"]) {
      const page = await admin.get(`/app/positions${bogus}`);
      expect(page.status, bogus).toBe(200);
      expect(titles(page.text), bogus).toEqual(titles(first.text));
    }

    // The public list pages with the same links, its filters kept.
    const pub = await new TestClient(server.url).get("/positions?pillar=coverage");
    expect(pub.status).toBe(200);
    expect(pagerOf(pub.text, "Pages of positions")).toContain("Page 1 of 6");
    expect(linkTo(pub.text, "Next page")).toBe("/positions?pillar=coverage&page=2");
    const pub6 = await new TestClient(server.url).get("/positions?pillar=coverage&page=6");
    expect(pagerOf(pub6.text, "Pages of positions")).toContain("Page 6 of 6");
    expect(linkTo(pub6.text, "Previous page")).toBe("/positions?pillar=coverage&page=5");
    expect(linkTo(pub6.text, "Next page")).toBeNull();
    const pubBeyond = await new TestClient(server.url).get("/positions?pillar=coverage&page=40");
    expect(pubBeyond.status).toBe(200);
    expect(linkTo(pubBeyond.text, "Previous page")).toBe("/positions?pillar=coverage&page=6");
    const pubBogus = await new TestClient(server.url).get("/positions?page=abc");
    expect(pubBogus.status).toBe(200);
    expect(pagerOf(pubBogus.text, "Pages of positions")).toContain("Page 1 of 6");
  });

  it("pages the inquiries, 50 a page, newest first, with the status filter kept", async () => {
    const db = server.database.db;
    const made: string[] = [];
    for (let i = 1; i <= 60; i++) {
      const inquiry = await makeInquiry(db, { organizationName: `Applicant number ${i}` });
      made.push(inquiry.id);
      await db
        .update(inquiries)
        .set({ createdAt: new Date(Date.now() - (61 - i) * 60_000), ...(i <= 55 ? { status: "contacted" as const } : {}) })
        .where(eq(inquiries.id, inquiry.id));
    }
    const names = (html: string) => [...html.matchAll(/>Applicant number (\d+)<\/a>/g)].map((m) => Number(m[1]));
    const first = await admin.get("/app/inquiries?status=contacted");
    expect(first.status).toBe(200);
    expect(names(first.text)).toEqual(Array.from({ length: 50 }, (_, i) => 55 - i));
    expect(first.text).toContain("55 inquiries, contacted, newest first: 1–50 (page 1)");
    expect(linkTo(first.text, "Previous page")).toBeNull();
    expect(linkTo(first.text, "Next page")).toBe("/app/inquiries?status=contacted&page=2");
    const last = await admin.get("/app/inquiries?status=contacted&page=2");
    expect(names(last.text)).toEqual([5, 4, 3, 2, 1]);
    expect(last.text).toContain("55 inquiries, contacted, newest first: 51–55 (page 2)");
    expect(linkTo(last.text, "Next page")).toBeNull();
    expect(linkTo(last.text, "Previous page")).toBe("/app/inquiries?status=contacted");
    // Unfiltered, all 60 fit on two pages as well.
    const all = await admin.get("/app/inquiries?page=2");
    expect(names(all.text)).toEqual(Array.from({ length: 10 }, (_, i) => 10 - i));
    expect(linkTo(all.text, "Previous page")).toBe("/app/inquiries");
    expect((await admin.get("/app/inquiries?status=contacted&page=3")).text).toContain(
      "No more inquiries: this page is past the last one.",
    );
    for (const bogus of ["page=abc", "page=-2", "page=%00", "status=bogus&page=x"]) {
      const page = await admin.get(`/app/inquiries?${bogus}`);
      expect(page.status, bogus).toBe(200);
      expect(names(page.text)[0], bogus).toBe(60);
    }
  });

  it("pages the people, 100 a page, by organization and name", async () => {
    const db = server.database.db;
    const organization = await makeOrganization(db, { name: "Zz Paged Organization" });
    for (let i = 1; i <= 120; i++) {
      await makePerson(db, { organizationId: organization.id, name: `Paged person ${String(i).padStart(3, "0")}` });
    }
    const total = await db.$count(people);
    const seen: string[] = [];
    let response = await admin.get("/app/people");
    expect(response.status).toBe(200);
    expect(response.text).toContain("People 1–100, by organization and name (page 1).");
    expect(linkTo(response.text, "Previous page")).toBeNull();
    let pages = 1;
    for (;;) {
      const section = response.text.slice(response.text.indexOf('<h2 id="everyone">'));
      seen.push(...[...section.matchAll(/<a [^>]*href="\/app\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1]!));
      const next = linkTo(response.text, "Next page");
      if (!next) break;
      expect(next).toBe(`/app/people?page=${pages + 1}`);
      response = await admin.get(next);
      pages++;
      if (pages > 10) throw new Error("too many pages");
    }
    expect(pages).toBe(Math.ceil(total / 100));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    // The organization sorts last: its people end the last page, in name order.
    const lastNames = [...response.text.matchAll(/>Paged person (\d+)</g)].map((m) => Number(m[1]));
    expect(lastNames.at(-1)).toBe(120);
    expect(linkTo(response.text, "Previous page")).toBe(pages === 2 ? "/app/people" : `/app/people?page=${pages - 1}`);
    for (const bogus of ["?page=abc", "?page=0", "?page=99999999"]) {
      const page = await admin.get(`/app/people${bogus}`);
      expect(page.status, bogus).toBe(200);
    }
    expect((await admin.get("/app/people?page=abc")).text).toContain("(page 1).");
    expect((await admin.get("/app/people?page=9")).text).toContain("No more people: this page is past the last one.");
  });
});
