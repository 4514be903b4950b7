import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeInvitation, makeOrganization, makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";

/*
 * What a reader or a convener would notice in the words and marks of the pages: counts that agree
 * with their number, one badge for an organization without a logo (its name written once), the
 * pillars as short cards, and no developer words.
 */

let server: TestServer;
let admin: TestClient;
let convenerId: string;

beforeAll(async () => {
  server = await startTestServer({ roundScheduler: false });
  const convener = await makePerson(server.database.db, { role: "convener" });
  convenerId = convener.id;
  admin = new TestClient(server.url);
  await signInAs(server.database.db, admin, convener.id);
});
afterAll(() => server?.close());

/** The text of an element's main landmark, tags removed. */
function mainText(html: string): string {
  const main = html.slice(html.indexOf("<main"), html.indexOf("</main>"));
  return main
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("counts", () => {
  it("says 1 person and 1 pending invitation, not 1 people, then agrees with more", async () => {
    const one = await admin.get("/app");
    expect(one.status).toBe(200);
    expect(mainText(one.text)).toContain("1 person , 0 pending invitations");
    expect(one.text).not.toMatch(/\b1 people\b/);
    const organization = await makeOrganization(server.database.db);
    await makeInvitation(server.database.db, { organizationId: organization.id, createdById: convenerId });
    await makePerson(server.database.db, { organizationId: organization.id });
    const more = await admin.get("/app");
    expect(mainText(more.text)).toContain("2 people , 1 pending invitation");
    expect(more.text).not.toMatch(/\b1 pending invitations\b/);
  });
});

describe("organizations without a logo", () => {
  it("get one badge (short name or initials) and their name once, on / and /members", async () => {
    const db = server.database.db;
    const withShort = await makeOrganization(db, {
      name: "Rural Wheelchair Users Network",
      shortName: "RWUN",
      website: "https://rwun.example.org",
    });
    const withoutShort = await makeOrganization(db, { name: "Alliance for Fair Access to Care" });
    const reader = new TestClient(server.url);

    const home = (await reader.get("/")).text;
    expect(home).toContain(
      `<a href="https://rwun.example.org" class="member-link"><span class="org-badge org-badge-large" aria-hidden="true">RWUN</span><span class="member-name">${withShort.name}</span></a>`,
    );
    expect(home).toContain(
      `<span class="member-link"><span class="org-badge org-badge-large" aria-hidden="true">AFA</span><span class="member-name">${withoutShort.name}</span></span>`,
    );
    expect(home.split(withShort.name).length - 1).toBe(1);

    const members = (await reader.get("/members")).text;
    expect(members).toContain(`<div class="member-mark"><span class="org-badge org-badge-large" aria-hidden="true">RWUN</span></div>`);
    expect(members).toContain(`<div class="member-mark"><span class="org-badge org-badge-large" aria-hidden="true">AFA</span></div>`);
    // The name is the heading, once; the badge beside it does not repeat it.
    expect(members.split(withoutShort.name).length - 1).toBe(1);
  });
});

describe("the pillars on /", () => {
  it("are short cards: the first sentence or two, and More about the pillar", async () => {
    const home = (await new TestClient(server.url).get("/")).text;
    for (const [key, name] of [
      ["coverage", "Coverage"],
      ["access", "Access"],
      ["research", "Research"],
      ["equity", "Equity"],
    ]) {
      expect(home).toContain(`href="/pillars/${key}">More about ${name}</a>`);
    }
    // Equity's description has three sentences: the card shows the first only (the others do not fit).
    expect(home).toContain("help reduce disparities and inequities across the health care system.</p>");
    expect(home).not.toContain("We seek to expand efforts in education");
  });
});

describe("developer words", () => {
  it("are not on the outbox, the audit trail or the positions list", async () => {
    const outbox = (await admin.get("/app/outbox")).text;
    expect(outbox).toContain("No mail server is set up yet");
    expect(outbox).not.toContain("SMTP_URL");
    const audit = (await admin.get("/app/audit")).text;
    expect(audit).not.toContain("npm run");
    const positions = (await new TestClient(server.url).get("/positions")).text;
    expect(positions).toContain(`<a href="/feed.atom">Follow new positions (feed)</a>`);
    expect(positions).toContain(`<a href="/api/positions">Data for developers</a>`);
    expect(positions).not.toMatch(/>\s*(Atom feed|JSON)\s*</);
  });
});

describe("the position page's endorsers", () => {
  it("link to the organization's website as it is now, also once the page is cached", async () => {
    const { roundId, endorser } = await adoptProposal(server, admin, { endorserName: "Wheelchair Riders United" });
    const published = await admin.post(`/app/rounds/${roundId}/publish`, {
      releaseAt: "",
      title: "Repairs within a week",
      summary: "When a wheelchair breaks, plans should pay to fix it within a week.",
    });
    expect(published.status).toBe(302);
    const reader = new TestClient(server.url);
    const before = (await reader.get("/positions/repairs-within-a-week")).text;
    expect(before).toContain("<span>Wheelchair Riders United</span>");
    expect(server.pages.size).toBeGreaterThan(0);
    const saved = await admin.post(`/app/organizations/${endorser.id}`, {
      intent: "save",
      name: endorser.name,
      shortName: "WRU",
      website: "riders.example.org",
      description: "",
      votingMember: "on",
    });
    expect(saved.status).toBe(302);
    const after = (await reader.get("/positions/repairs-within-a-week")).text;
    expect(after).toContain(`<a href="https://riders.example.org">Wheelchair Riders United</a>`);
  });
});
