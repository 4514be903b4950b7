import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../db/queries/audit";
import { auditEvents, positions } from "../../db/schema";
import { makeProposal } from "../support/collab";
import { adoptProposal, paragraph } from "../support/rounds";
import { makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer({ roundScheduler: false });
  const convener = await makePerson(server.database.db, { role: "convener" });
  admin = new TestClient(server.url);
  await signInAs(server.database.db, admin, convener.id);
});
afterAll(() => server?.close());

const adopt = (options: Parameters<typeof adoptProposal>[2] = {}) => adoptProposal(server, admin, options);

async function publish(roundId: string, fields: Record<string, string>) {
  const res = await admin.post(`/app/rounds/${roundId}/publish`, { releaseAt: "", ...fields });
  const [position] = await server.database.db.select().from(positions).where(eq(positions.roundId, roundId));
  return { res, position };
}

const reader = () => new TestClient(server.url);

describe("publishing", () => {
  it("makes a public page with the text as voted, endorsers, fingerprint and the audit head", async () => {
    const { roundId, endorser } = await adopt({ title: "Prosthetic care", text: "Cover prosthetic care for every amputee." });
    const { res, position } = await publish(roundId, {
      title: "Coverage for prosthetic care",
      summary: "Health plans should pay for artificial limbs. People need them to walk and work.",
    });
    expect(res.status).toBe(302);
    expect(position?.slug).toBe("coverage-for-prosthetic-care");
    const page = await reader().get(`/positions/${position!.slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Coverage for prosthetic care");
    expect(page.text).toContain("<p>Cover prosthetic care for every amputee.</p>");
    expect(page.text).toContain(endorser.name);
    expect(page.text).toContain(position!.fingerprint);
    expect(page.text).toContain(position!.auditHead);
    expect(page.text).not.toMatch(/<script/i);
    expect(page.headers.get("cache-control")).toContain("public");
    const etag = page.headers.get("etag")!;
    const again = await reader().get(`/positions/${position!.slug}`, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await verifyAuditChain(server.database.db)).toMatchObject({ ok: true });
    // The audit head shown is the publication's own event.
    const [event] = await server.database.db
      .select({ hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "position.published"), eq(auditEvents.subjectId, position!.id)));
    expect(event?.hash).toBe(position!.auditHead);
  });

  it("refuses a round that was not adopted, and a second publication", async () => {
    const { roundId } = await adopt();
    expect((await publish(roundId, { title: "Once", summary: "This text is published only once, never twice." })).res.status).toBe(302);
    const again = await publish(roundId, { title: "Twice", summary: "This text is published only once, never twice." });
    expect(again.res.status).toBe(409);
  });

  it("grades the summary while it is typed exactly as it grades the stored one, for conveners only", async () => {
    const summary = "Notwithstanding heterogeneity in reimbursement methodologies, plans should incorporate rehabilitative interventions.";
    const { roundId } = await adopt();
    const { position } = await publish(roundId, { title: "Graded", summary });
    const live = await admin.post("/app/reading-grade", { text: summary });
    expect(live.status).toBe(200);
    const stored = Math.round(position!.readingGradeTenths / 10);
    expect(stored).toBeGreaterThan(8);
    expect(JSON.parse(live.text)).toEqual({
      grade: `Grade ${stored}: ${stored <= 12 ? "fairly hard" : stored <= 16 ? "hard" : "very hard"}. Aim for 8 or below.`,
    });
    expect(JSON.parse((await admin.post("/app/reading-grade", { text: "Too short" })).text)).toEqual({
      grade: "Write a few sentences to see the reading grade.",
    });
    // Bad input: a clear message, never a 500.
    const missing = await admin.post("/app/reading-grade", {});
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toEqual({ error: "Send the text to grade as the field text." });
    expect((await admin.post("/app/reading-grade", { text: "word ".repeat(5000) })).status).toBe(400);
    expect((await admin.get("/app/reading-grade")).status).toBe(405);
    const rep = await makePerson(server.database.db);
    const client = new TestClient(server.url);
    await signInAs(server.database.db, client, rep.id);
    expect((await client.post("/app/reading-grade", { text: summary })).status).toBe(403);
    expect((await reader().post("/app/reading-grade", { text: summary })).status).toBe(302);
  });

  it("lists an organization that asked not to be listed nowhere", async () => {
    const { roundId, endorser } = await adopt({ listPublicly: false });
    const { position } = await publish(roundId, { title: "Quiet support", summary: "This one has an endorser who asked not to be named." });
    const page = await reader().get(`/positions/${position!.slug}`);
    expect(page.text).not.toContain(endorser.name);
    expect(page.text).toContain("No organization asked to be listed by name.");
  });
});

describe("what reaches the public", () => {
  const corpus: [string, (f: Y.XmlFragment) => void][] = [
    ["javascript: link", (f) => f.insert(0, [paragraph("click", { link: { href: "javascript:alert(1)" } })])],
    ["mixed-case scheme", (f) => f.insert(0, [paragraph("click", { link: { href: "JaVaScRiPt:alert(1)" } })])],
    ["whitespace-prefixed scheme", (f) => f.insert(0, [paragraph("click", { link: { href: " \tjavascript:alert(1)" } })])],
    ["data: link", (f) => f.insert(0, [paragraph("click", { link: { href: "data:text/html,<script>alert(1)</script>" } })])],
    ["vbscript: link", (f) => f.insert(0, [paragraph("click", { link: { href: "vbscript:msgbox(1)" } })])],
    [
      "script element",
      (f) => {
        const s = new Y.XmlElement("script");
        s.insert(0, [new Y.XmlText("alert(1)")]);
        f.insert(0, [s, paragraph("after")]);
      },
    ],
    [
      "iframe element",
      (f) => {
        const s = new Y.XmlElement("iframe");
        s.setAttribute("src", "https://evil.example");
        f.insert(0, [s, paragraph("after")]);
      },
    ],
    [
      "img with onerror",
      (f) => {
        const s = new Y.XmlElement("image");
        s.setAttribute("src", "x");
        s.setAttribute("onerror", "alert(1)");
        f.insert(0, [s, paragraph("after")]);
      },
    ],
    [
      "style and event attributes",
      (f) => {
        const p = paragraph("styled");
        p.setAttribute("style", "background:url(javascript:alert(1))");
        p.setAttribute("onclick", "alert(1)");
        f.insert(0, [p]);
      },
    ],
    ["a text that looks like HTML", (f) => f.insert(0, [paragraph("<script>alert(1)</script><img src=x onerror=alert(1)>")])],
  ];

  it.each(corpus)("keeps out %s", async (_label, build) => {
    const { roundId } = await adopt({ build });
    const { position } = await publish(roundId, {
      title: `Safe ${Math.random().toString(36).slice(2, 8)}`,
      summary: "A summary long enough to publish this position.",
    });
    // No dangerous element, no event or style attribute, no link with a dangerous scheme: text that
    // merely looks like HTML is escaped, which is fine.
    const dangerous = [
      /<(script|iframe|img|object|embed)\b/i,
      /<[^>]*\s(on\w+|style)\s*=/i,
      /\shref\s*=\s*"\s*(javascript|vbscript|data):/i,
    ];
    for (const pattern of dangerous) expect(position!.html).not.toMatch(pattern);
    const page = await reader().get(`/positions/${position!.slug}`);
    const article = page.text.slice(page.text.indexOf("<article"), page.text.indexOf("</article>"));
    for (const pattern of dangerous) expect(article).not.toMatch(pattern);
  });
});

describe("embargo and visibility", () => {
  it("keeps an embargoed position out of pages, the feed and the JSON until its time, then shows it by itself", async () => {
    const { roundId } = await adopt({ title: "Embargoed research" });
    const release = new Date(Date.now() + 2 * 3_600_000);
    const local = new Intl.DateTimeFormat("sv-SE", { timeZone: "America/New_York", dateStyle: "short", timeStyle: "short" })
      .format(release)
      .replace(" ", "T");
    const { res, position } = await publish(roundId, {
      title: "Funding for rare disease research",
      summary: "Congress should fund research into rare diseases. Families wait too long for answers.",
      releaseAt: local,
    });
    expect(res.status).toBe(302);
    expect(position?.status).toBe("scheduled");
    const unknown = await reader().get("/positions/no-such-position");
    const hidden = await reader().get(`/positions/${position!.slug}`);
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(unknown.text);
    expect((await reader().get(`/api/positions/${position!.slug}`)).status).toBe(404);
    expect((await reader().get("/api/positions")).text).not.toContain(position!.slug);
    expect((await reader().get("/feed.atom")).text).not.toContain(position!.slug);

    // Time passes: the release time is now behind us, and the scheduler's next pass runs.
    await server.database.db
      .update(positions)
      .set({ releaseAt: new Date(Date.now() - 1000) })
      .where(eq(positions.id, position!.id));
    await server.rounds.runOnce();
    const [after] = await server.database.db.select().from(positions).where(eq(positions.id, position!.id));
    expect(after?.status).toBe("published");
    expect((await reader().get(`/positions/${position!.slug}`)).status).toBe(200);
    const json = JSON.parse((await reader().get(`/api/positions/${position!.slug}`)).text);
    expect(json).toMatchObject({ slug: position!.slug, title: "Funding for rare disease research", status: "published" });
    expect((await reader().get("/api/positions")).text).toContain(position!.slug);
    const feed = await reader().get("/feed.atom");
    expect(feed.headers.get("content-type")).toContain("application/atom+xml");
    expect(feed.text).toContain(`/positions/${position!.slug}`);
  });

  it("answers the same 404 for every unpublished thing", async () => {
    const notFound = await reader().get("/positions/never-published");
    for (const path of ["/positions/INVALID%20SLUG", "/api/positions/never-published"]) {
      expect((await reader().get(path)).status, path).toBe(404);
    }
    const proposal = await makeProposal(server.database.db);
    for (const path of [`/positions/${proposal.id}`, "/positions/a-proposal"]) {
      const res = await reader().get(path);
      expect(res.status, path).toBe(404);
      expect(res.text).toBe(notFound.text);
    }
  });
});

describe("search", () => {
  it("ranks a title match above a body match and highlights the words", async () => {
    const a = await adopt({ text: "This text mentions telehealth once, in passing, among many other things about clinics." });
    const b = await adopt({ text: "Nothing about remote care here." });
    const inBody = (await publish(a.roundId, { title: "Clinic staffing", summary: "Clinics need enough staff to see patients on time." }))
      .position!;
    const inTitle = (
      await publish(b.roundId, { title: "Telehealth for every patient", summary: "Patients should be able to see their doctor by video." })
    ).position!;
    const page = await reader().get("/api/positions?q=telehealth");
    const slugs = JSON.parse(page.text).positions.map((p: { slug: string }) => p.slug);
    expect(slugs.indexOf(inTitle.slug)).toBeGreaterThanOrEqual(0);
    expect(slugs.indexOf(inTitle.slug)).toBeLessThan(slugs.indexOf(inBody.slug));
  });
});

describe("withdrawing, superseding and renaming", () => {
  it("keeps the page, marks it, links the successor, and keeps old addresses working", async () => {
    const first = await adopt();
    const second = await adopt();
    const old = (
      await publish(first.roundId, { title: "Access to diagnostics", summary: "People should get tests quickly and close to home." })
    ).position!;
    const next = (
      await publish(second.roundId, {
        title: "Access to diagnostics, revised",
        summary: "People should get tests quickly, close to home, at no cost.",
      })
    ).position!;
    // Cached once read...
    expect((await reader().get(`/positions/${old.slug}`)).status).toBe(200);
    const renamed = await admin.post(`/app/positions/${old.id}`, {
      intent: "revise",
      title: "Timely access to diagnostics",
      summary: "People should get tests quickly and close to home.",
    });
    expect(renamed.status).toBe(302);
    const moved = await reader().get(`/positions/${old.slug}`);
    expect(moved.status).toBe(301);
    expect(moved.location).toBe("/positions/timely-access-to-diagnostics");
    const askSupersede = await admin.post(`/app/positions/${old.id}`, { intent: "supersede", successorId: next.id });
    expect(askSupersede.status).toBe(200);
    expect(askSupersede.text).toContain("Yes, mark it as superseded");
    expect(askSupersede.text).toContain("Access to diagnostics, revised");
    expect((await server.database.db.select().from(positions).where(eq(positions.id, old.id)))[0]?.status).toBe("published");
    const superseded = await admin.post(`/app/positions/${old.id}`, { intent: "supersede", successorId: next.id, confirm: "yes" });
    expect(superseded.status).toBe(302);
    const page = await reader().get("/positions/timely-access-to-diagnostics");
    expect(page.status).toBe(200);
    expect(page.text).toContain("This position was superseded");
    expect(page.text).toContain(`/positions/${next.slug}`);
    const askWithdraw = await admin.post(`/app/positions/${next.id}`, { intent: "withdraw", reason: "Overtaken by the new law." });
    expect(askWithdraw.text).toContain("Yes, withdraw the position");
    expect(askWithdraw.text).toMatch(/the 1 endorsing organization named on it/);
    expect((await server.database.db.select().from(positions).where(eq(positions.id, next.id)))[0]?.status).toBe("published");
    const withdrawn = await admin.post(`/app/positions/${next.id}`, {
      intent: "withdraw",
      reason: "Overtaken by the new law.",
      confirm: "yes",
    });
    expect(withdrawn.status).toBe(302);
    const gone = await reader().get(`/positions/${next.slug}`);
    expect(gone.text).toContain("This position was withdrawn.");
    expect(gone.text).toContain("Overtaken by the new law.");
  });

  it("is for conveners only", async () => {
    const rep = await makePerson(server.database.db);
    const client = new TestClient(server.url);
    await signInAs(server.database.db, client, rep.id);
    expect((await client.get("/app/positions")).status).toBe(403);
  });
});

describe("public lists", () => {
  it("show the latest positions on /, the pillar's page and /positions, filtered and searched without JavaScript", async () => {
    const { roundId } = await adopt({ text: "Equity in coverage for every community." });
    const { position } = await publish(roundId, {
      title: "Language access in clinics",
      summary: "Clinics should offer interpreters so every patient understands their care.",
    });
    const home = await reader().get("/");
    expect(home.text).toContain("Language access in clinics");
    const pillar = await reader().get("/pillars/coverage");
    expect(pillar.text).toContain("Language access in clinics");
    const other = await reader().get("/pillars/research");
    expect(other.text).not.toContain("Language access in clinics");
    const list = await reader().get("/positions?q=interpreters");
    expect(list.text).toContain(`/positions/${position!.slug}`);
    expect(list.text).toContain("<mark>interpreters</mark>");
    const none = await reader().get("/positions?q=zebra%20crossing");
    expect(none.text).toContain("No position matches.");
    const filtered = await reader().get("/positions?pillar=research");
    expect(filtered.text).not.toContain(`/positions/${position!.slug}"`);
    for (const path of ["/", "/positions", "/pillars/coverage", `/positions/${position!.slug}`]) {
      const res = await reader().get(path);
      expect(res.text, path).not.toMatch(/<script/i);
      expect(res.headers.get("content-security-policy"), path).toContain("script-src 'none'");
    }
  });
});
