import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as Y from "yjs";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPersonContext } from "../support/browser";
import { makeProposal } from "../support/collab";
import {
  longOrganizationName,
  longReason,
  makeAuditEvent,
  makeInquiry,
  makeInvitation,
  makeMail,
  makeOrganization,
  makePerson,
  setWebsite,
  signInAs,
} from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal, paragraph } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";
import { createSession } from "../../db/queries/sessions";

/*
 * Every page a browser can reach, as the public, a representative and a convener, over a record
 * that looks like a real one (long names, long reasons, 30 rows in every workspace table): at a
 * phone's 390 px and a desktop's 1280 px, no sideways scrolling, no axe violation, and no
 * developer words (`npm run`, `SMTP_URL`) anywhere.
 */

const widths = [
  { name: "phone", viewport: { width: 390, height: 844 } },
  { name: "desktop", viewport: { width: 1280, height: 900 } },
];

const DEVELOPER_WORDS = ["npm run", "SMTP_URL"];

/** What the crawl leaves alone: signing out, downloads, logo files, other sites. */
function skipped(url: URL, origin: string) {
  return (
    url.origin !== origin ||
    url.pathname === "/logout" ||
    url.pathname.startsWith("/logos/") ||
    url.pathname.startsWith("/build/") ||
    /\.(csv|ics)$/.test(url.pathname) ||
    url.pathname.startsWith("/setup") ||
    url.pathname.startsWith("/invite/") ||
    url.pathname.startsWith("/reset/")
  );
}

/** One page per kind: ids and slugs stand for any, and queries by their names only. */
function pattern(url: URL) {
  const path = url.pathname
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ":id")
    .replace(/^\/positions\/[^/]+$/, "/positions/:slug")
    .replace(/^\/api\/positions\/[^/]+$/, "/api/positions/:slug")
    .replace(/^\/pillars\/[^/]+$/, "/pillars/:pillar");
  const keys = [...url.searchParams.keys()].sort().join("&");
  return keys ? `${path}?${keys}` : path;
}

function isDocument(url: URL) {
  return !url.pathname.startsWith("/api/") && !/\.(atom|xml|txt)$/.test(url.pathname);
}

/** Console errors, less Chromium's note on a resource answered 404 on purpose. */
function unexpectedErrors(page: Page): string[] {
  return consoleErrors(page).filter((e) => !/^Failed to load resource: the server responded with a status of 404 /.test(e));
}

describeE2E("every page at phone and desktop widths, with a realistic record", () => {
  let browser: Browser;
  let server: TestServer;
  let convenerId: string;
  let representativeId: string;
  let proposalId: string;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    const db = server.database.db;
    const convener = await makePerson(db, { role: "convener", name: "Ada Convener-Montgomery-Fitzwilliam" });
    convenerId = convener.id;
    const admin = new TestClient(server.url);
    await signInAs(db, admin, convener.id);

    // A published position whose text has headings, a list and a link, endorsed by an organization
    // with a long name and a website.
    const { roundId, endorser } = await adoptProposal(server, admin, {
      title: "Timely repair of power wheelchairs and other durable medical equipment",
      endorserName: longOrganizationName(0),
      build: (f) => {
        const heading = new Y.XmlElement("heading");
        heading.setAttribute("level", 2 as never);
        const t = new Y.XmlText();
        t.insert(0, "What we ask for");
        heading.insert(0, [t]);
        f.insert(0, [heading, paragraph(longReason(0)), paragraph("Insurers should cover timely repair.")]);
      },
    });
    await setWebsite(db, endorser.id, "https://www.example.org/a-very-long-path/for-an-organization-website/that-goes-on-and-on");
    const published = await admin.post(`/app/rounds/${roundId}/publish`, {
      title: "Timely repair of power wheelchairs and other durable medical equipment",
      summary: "When a wheelchair breaks, people are stuck at home. Plans should pay for quick repairs.",
    });
    expect(published.status).toBe(302);

    // Thirty rows in every workspace table, with long names and long reasons.
    const organizations = [];
    for (let i = 1; i <= 30; i++) {
      organizations.push(
        await makeOrganization(db, {
          name: longOrganizationName(i),
          shortName: i % 3 === 0 ? `NAPF${i}` : "",
          website: i % 2 === 0 ? `https://alliance-${i}.example.org` : null,
          description: longReason(i),
          pillars: ["coverage", "access"],
        }),
      );
    }
    const representative = await makePerson(db, {
      organizationId: organizations[0]!.id,
      canVote: true,
      name: "Representative Bartholomew Ellington-Washington",
      email: "bartholomew.ellington-washington.representative@national-alliance-of-patients.example.org",
    });
    representativeId = representative.id;
    for (let i = 1; i < 30; i++) {
      await makePerson(db, {
        organizationId: organizations[i]!.id,
        canVote: i % 2 === 0,
        email: `person.number.${i}.with.a.rather.long.address@national-alliance-of-patients-${i}.example.org`,
      });
      await makeInvitation(db, {
        organizationId: organizations[i]!.id,
        canVote: i % 2 === 1,
        email: `invitee.number.${i}.with.a.rather.long.address@national-alliance-of-patients-${i}.example.org`,
        createdById: convener.id,
      });
      const proposal = await makeProposal(db, {
        leadOrganizationId: organizations[i]!.id,
        title: `Proposal ${i}: coverage of continuous glucose monitors and insulin pumps for every person who needs them`,
      });
      proposalId = proposal.id;
      await makeInquiry(db, { organizationName: longOrganizationName(100 + i), message: longReason(i) });
      await makeMail(db, {
        to: `person.number.${i}.with.a.rather.long.address@national-alliance-of-patients-${i}.example.org`,
        subject: `Consensus round open: Proposal ${i}: coverage of continuous glucose monitors and insulin pumps`,
        body: longReason(i),
      });
      await makeAuditEvent(db, {
        actorId: convener.id,
        subjectId: organizations[i]!.id,
        before: { description: longReason(i) },
        after: { description: longReason(i + 1) },
      });
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function pageFor(personId: string | null, viewport: { width: number; height: number }) {
    const context = await newPersonContext(browser, { viewport });
    if (personId) {
      const { token } = await createSession(server.database.db, personId);
      await context.addCookies([{ name: "care_session", value: token, url: server.url }]);
    }
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  }

  /**
   * Follows every link from `start`, one page per kind, and checks each page as it goes. Returns
   * the kinds of page visited.
   */
  async function crawl(page: Page, start: string, where: string): Promise<{ visited: string[]; problems: string[] }> {
    const queue = [new URL(start, server.url)];
    const seen = new Set<string>();
    const visited: string[] = [];
    const problems: string[] = [];
    const check = async (what: () => unknown) => {
      try {
        await what();
      } catch (error) {
        const actual = (error as { actual?: unknown }).actual;
        problems.push(
          `${error instanceof Error ? error.message.split("\n")[0] : String(error)}${Array.isArray(actual) ? `: ${actual.join("; ")}` : ""}`,
        );
      }
    };
    while (queue.length > 0 && visited.length < 80) {
      const url = queue.shift()!;
      const kind = pattern(url);
      if (seen.has(kind)) continue;
      seen.add(kind);
      visited.push(kind);
      if (!isDocument(url)) {
        const response = await page.request.get(url.toString());
        expect(response.status(), `${url.pathname} (${where})`).toBeLessThan(400);
        const text = await response.text();
        for (const word of DEVELOPER_WORDS) expect(text, `${url.pathname} (${where})`).not.toContain(word);
        continue;
      }
      const response = await page.goto(url.toString());
      expect(response?.status(), `${url.pathname} (${where})`).toBeLessThan(400);
      await page.locator("h1").first().waitFor();
      const html = await page.content();
      for (const word of DEVELOPER_WORDS) await check(() => expect(html, `${url.pathname} (${where})`).not.toContain(word));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await check(() => expect(overflow, `sideways scrolling on ${url.pathname}${url.search} (${where})`).toBeLessThanOrEqual(0));
      await check(() => expectNoAxeViolations(page, `${url.pathname}${url.search} (${where})`));
      if (process.env.LAYOUT_SCREENSHOTS) {
        const file = `${where}-${kind}`.replace(/[^a-z0-9]+/gi, "_");
        await page.screenshot({ path: `${process.env.LAYOUT_SCREENSHOTS}/${file}.png` });
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight * 0.4));
        await page.screenshot({ path: `${process.env.LAYOUT_SCREENSHOTS}/${file}-middle.png` });
      }
      const links = await page.$$eval("a[href]", (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const href of links) {
        const next = new URL(href);
        next.hash = "";
        if (!skipped(next, server.url) && !seen.has(pattern(next))) queue.push(next);
      }
    }
    return { visited, problems };
  }

  it.each(widths)(
    "shows every page the public can reach without sideways scrolling, axe violations or developer words: $name",
    async ({ name, viewport }) => {
      const page = await pageFor(null, viewport);
      const { visited, problems } = await crawl(page, "/", `public, ${name}`);
      expect(problems).toEqual([]);
      expect(visited).toEqual(
        expect.arrayContaining([
          "/",
          "/members",
          "/positions",
          "/positions/:slug",
          "/join",
          "/pillars/:pillar",
          "/feed.atom",
          "/api/positions",
        ]),
      );
      expect(unexpectedErrors(page)).toEqual([]);
    },
    600_000,
  );

  it.each(widths)(
    "shows every page a representative can reach the same way: $name",
    async ({ name, viewport }) => {
      const page = await pageFor(representativeId, viewport);
      const { visited, problems } = await crawl(page, "/app", `representative, ${name}`);
      expect(problems).toEqual([]);
      expect(visited).toEqual(
        expect.arrayContaining(["/app", "/app/proposals", "/app/proposals/new", "/app/proposals/:id", "/app/profile"]),
      );
      expect(unexpectedErrors(page)).toEqual([]);
    },
    600_000,
  );

  it.each(widths)(
    "shows every page a convener can reach the same way, 30 rows in each table: $name",
    async ({ name, viewport }) => {
      const page = await pageFor(convenerId, viewport);
      const { visited, problems } = await crawl(page, "/app", `convener, ${name}`);
      expect(problems).toEqual([]);
      expect(visited).toEqual(
        expect.arrayContaining([
          "/app/people",
          "/app/organizations",
          "/app/proposals",
          "/app/inquiries",
          "/app/outbox",
          "/app/audit",
          "/app/positions",
          "/app/positions/:id",
          "/app/rounds/:id",
          "/app/site",
        ]),
      );
      expect(unexpectedErrors(page)).toEqual([]);
    },
    600_000,
  );

  /** Presses Tab until the element has the focus (the keyboard alone, as a person would). */
  async function tabTo(page: Page, target: Locator) {
    for (let i = 0; i < 100; i++) {
      await page.keyboard.press("Tab");
      if (await target.evaluate((el) => el === document.activeElement)) return;
    }
    throw new Error(`Tab never reached ${String(target)}`);
  }

  const headerHeight = (page: Page) => page.locator("header.site-header").evaluate((h) => h.getBoundingClientRect().height);

  it("groups the convener's header on the desktop, and folds it into a Menu at phone width that works by keyboard", async () => {
    const desktop = await pageFor(convenerId, { width: 1280, height: 900 });
    await desktop.goto(`${server.url}/app`);
    const nav = desktop.getByRole("navigation", { name: "Workspace" });
    for (const group of ["Work", "Coalition", "Records"]) await nav.getByRole("list", { name: group }).waitFor();
    await nav.getByRole("list", { name: "Coalition" }).getByRole("link", { name: "People" }).waitFor();
    expect(await desktop.locator("summary", { hasText: "Menu" }).isVisible()).toBe(false);
    // One line for the name and the account, one for the pages: never a third of the screen.
    expect(await headerHeight(desktop)).toBeLessThan(130);

    const phone = await pageFor(convenerId, { width: 390, height: 844 });
    await phone.goto(`${server.url}/app`);
    await phone.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    expect(await headerHeight(phone)).toBeLessThan(90);
    expect(await phone.getByRole("link", { name: "People", exact: true }).count()).toBe(0);
    expect(await phone.getByRole("button", { name: "Log out" }).count()).toBe(0);
    const menu = phone.locator("summary", { hasText: "Menu" });
    await tabTo(phone, menu);
    await phone.keyboard.press("Enter");
    const people = phone.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "People", exact: true });
    await people.waitFor();
    await phone.getByRole("button", { name: "Log out" }).waitFor();
    await expectNoAxeViolations(phone, "the workspace menu, open, at 390 px");
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    // Escape closes it and gives the focus back to its button.
    await phone.keyboard.press("Escape");
    await people.waitFor({ state: "hidden" });
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
    // Open again, Tab to People, Enter: the page changes and the menu is closed again.
    await phone.keyboard.press("Enter");
    await tabTo(phone, people);
    await phone.keyboard.press("Enter");
    await phone.getByRole("heading", { level: 1, name: "People" }).waitFor();
    expect(await phone.getByRole("link", { name: "Audit trail", exact: true }).count()).toBe(0);
    expect(unexpectedErrors(phone)).toEqual([]);

    // Without JavaScript the Menu opens and its links work.
    const context = await newPersonContext(browser, { viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const { token } = await createSession(server.database.db, convenerId);
    await context.addCookies([{ name: "care_session", value: token, url: server.url }]);
    const plain = await context.newPage();
    await plain.goto(`${server.url}/app`);
    await plain.locator("summary", { hasText: "Menu" }).click();
    await plain.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Audit trail" }).click();
    await plain.getByRole("heading", { level: 1, name: "Audit trail" }).waitFor();
  });

  it("offers a representative New proposal on the dashboard, and never their own lead organization as a co-sponsor", async () => {
    const page = await pageFor(representativeId, { width: 390, height: 844 });
    await page.goto(`${server.url}/app`);
    await page.getByRole("link", { name: "New proposal" }).click();
    await page.getByRole("heading", { level: 1, name: "New proposal" }).waitFor();
    const sponsors = page.getByRole("group", { name: /Co-sponsoring organizations/ });
    await sponsors.getByRole("checkbox", { name: longOrganizationName(2), exact: true }).waitFor();
    // The representative's own organization (the first of the thirty) leads: it is not offered again.
    expect(await sponsors.getByRole("checkbox", { name: longOrganizationName(1), exact: true }).count()).toBe(0);
    expect(unexpectedErrors(page)).toEqual([]);
  });

  it("takes the lead organization a convener chooses out of the co-sponsor list", async () => {
    const page = await pageFor(convenerId, { width: 1280, height: 900 });
    await page.goto(`${server.url}/app/proposals/new`);
    const sponsors = page.getByRole("group", { name: /Co-sponsoring organizations/ });
    await sponsors.getByRole("checkbox", { name: longOrganizationName(5), exact: true }).waitFor();
    await page.getByLabel("Lead organization").selectOption({ label: longOrganizationName(5) });
    await expect
      .poll(() => sponsors.getByRole("checkbox", { name: longOrganizationName(5), exact: true }).count(), { timeout: 10_000 })
      .toBe(0);
    await sponsors.getByRole("checkbox", { name: longOrganizationName(6), exact: true }).waitFor();
    expect(unexpectedErrors(page)).toEqual([]);
  });

  it("adds https:// to a website typed without it, then checks it", async () => {
    const page = await pageFor(convenerId, { width: 1280, height: 900 });
    await page.goto(`${server.url}/app/organizations/new`);
    await page.getByLabel("Name", { exact: true }).fill("Rural Wheelchair Users Network");
    await page.getByLabel("Website").fill("not a website");
    await page.getByRole("button", { name: /Add organization|Save/ }).click();
    await page.getByText("Website must be a web address, like https://example.org.").first().waitFor();
    await page.getByLabel("Website").fill("rural-wheelchairs.example.org");
    await page.getByRole("button", { name: /Add organization|Save/ }).click();
    await page.getByRole("heading", { level: 1, name: "Organizations" }).waitFor();
    await page.getByRole("link", { name: "Rural Wheelchair Users Network" }).click();
    await expect.poll(() => page.getByLabel("Website").inputValue(), { timeout: 10_000 }).toBe("https://rural-wheelchairs.example.org");
  });

  it("keeps the Save version button apart from its field", async () => {
    const page = await pageFor(convenerId, { width: 1280, height: 900 });
    await page.goto(`${server.url}/app/proposals/${proposalId}`);
    // Both read in the same moment: the editor's late layout moves the page between two reads.
    const field = await page.getByLabel("Version name").elementHandle();
    const gap = await page
      .getByRole("button", { name: "Save version" })
      .evaluate((button, input) => button.getBoundingClientRect().top - (input as Element).getBoundingClientRect().bottom, field);
    expect(gap).toBeGreaterThanOrEqual(8);
  });

  it("shows the four pillar cards on / at one height, in one row or two", async () => {
    for (const width of [1280, 800]) {
      const page = await pageFor(null, { width, height: 900 });
      await page.goto(`${server.url}/`);
      const cards = page.getByRole("region", { name: "The four CARE pillars" }).getByRole("listitem");
      expect(await cards.count()).toBe(4);
      const heights = await cards.evaluateAll((items) => items.map((li) => Math.round(li.getBoundingClientRect().height)));
      expect(new Set(heights).size, `heights at ${width} px: ${heights.join(", ")}`).toBe(1);
      await page.getByRole("link", { name: "More about Equity" }).click();
      await page.getByRole("heading", { level: 1, name: "Equity" }).waitFor();
    }
  });
});
