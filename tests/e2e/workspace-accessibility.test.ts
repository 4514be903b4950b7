import type { Browser, Page } from "playwright-core";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createInquiry } from "../../db/queries/inquiries";
import { createOneTimeToken } from "../../db/queries/one-time-tokens";
import { positions } from "../../db/schema";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPersonContext } from "../support/browser";
import { createSession } from "../../db/queries/sessions";
import { makeAuditEvent, makeMail, makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal, paragraph } from "../support/rounds";
import { connectCollab, makeProposal } from "../support/collab";
import { listRevisions } from "../../db/queries/proposals";
import * as Y from "yjs";
import { startTestServer, type TestServer } from "../support/server";

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describeE2E("workspace and account pages: axe, and phone width", () => {
  let browser: Browser;
  let server: TestServer;
  let convenerId: string;
  let representativeId: string;
  const paths: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ roundScheduler: false });
    browser = await launchChromium();
    const db = server.database.db;
    const convener = await makePerson(db, { role: "convener", name: "Ada Convener" });
    convenerId = convener.id;
    const admin = new TestClient(server.url);
    await signInAs(db, admin, convener.id);
    const { roundId, proposal, endorser } = await adoptProposal(server, admin, {
      title: "Timely wheelchair repair",
      text: "Insurers should cover timely repair of power wheelchairs.",
    });
    const published = await admin.post(`/app/rounds/${roundId}/publish`, {
      releaseAt: "",
      title: "Fast repair of power wheelchairs",
      summary: "When a wheelchair breaks, people are stuck at home. Plans should pay for quick repairs.",
    });
    expect(published.status).toBe(302);
    const [position] = await db.select().from(positions).where(eq(positions.roundId, roundId));
    // A draft with two versions that differ in a heading's list and a paragraph, for the comparison.
    const draft = await makeProposal(db, { leadOrganizationId: endorser.id, title: "Loan chairs" });
    const editor = connectCollab(server.url, draft.id, { cookie: `care_session=${admin.cookie("care_session")}`, saved: true });
    try {
      await editor.synced();
      const write = (paragraphText: string, items: string[]) => {
        const fragment = editor.doc.getXmlFragment("default");
        editor.doc.transact(() => {
          fragment.delete(0, fragment.length);
          const heading = new Y.XmlElement("heading");
          heading.setAttribute("level", 2 as unknown as string); // y-prosemirror keeps attributes as given
          heading.insert(0, [new Y.XmlText("Loans while a chair is repaired")]);
          const list = new Y.XmlElement("bulletList");
          fragment.insert(0, [heading, paragraph(paragraphText), list]);
          list.insert(
            0,
            items.map((text) => {
              const item = new Y.XmlElement("listItem");
              item.insert(0, [paragraph(text)]);
              return item;
            }),
          );
        });
      };
      for (const [label, text, items] of [
        ["First", "Plans should lend a chair.", ["Within five days", "Free of charge"]],
        ["Second", "Plans should lend a suitable chair at once.", ["Within two days", "Fitted by a therapist"]],
      ] as const) {
        write(text, [...items]);
        await editor.saved();
        expect((await admin.post(`/app/proposals/${draft.id}`, { intent: "save-version", label })).status).toBe(200);
      }
    } finally {
      editor.destroy();
    }
    const [second, first] = await listRevisions(db, draft.id);
    const representative = await makePerson(db, { organizationId: endorser.id, canVote: true, name: "Rita Representative" });
    representativeId = representative.id;
    const inquiry = await createInquiry(db, {
      name: "Sam Inquirer",
      email: "sam@example.org",
      organizationName: "Spina Bifida Friends",
      organizationKind: "patient_advocacy",
      message: "We would like to join the working table.",
    });
    const { token } = await createOneTimeToken(db, { purpose: "password_reset", personId: representative.id, email: representative.email });
    // More than a page of audit events and of mail, so those pages show their pages' links.
    for (let i = 0; i < 120; i++) await makeAuditEvent(db, { actorId: convener.id });
    for (let i = 0; i < 55; i++) await makeMail(db, { subject: `Notice ${i}` });
    Object.assign(paths, {
      proposal: `/app/proposals/${proposal.id}`,
      history: `/app/proposals/${proposal.id}/history`,
      comparison: `/app/proposals/${draft.id}/history?from=${first!.id}&to=${second!.id}`,
      round: `/app/rounds/${roundId}`,
      organization: `/app/organizations/${endorser.id}`,
      person: `/app/people/${representative.id}`,
      position: `/app/positions/${position!.id}`,
      inquiry: `/app/inquiries/${inquiry.id}`,
      reset: `/reset/${token}`,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function pageFor(personId: string | null, viewport: { width: number; height: number }): Promise<Page> {
    const context = await newPersonContext(browser, { viewport });
    if (personId) {
      const { token } = await createSession(server.database.db, personId);
      await context.addCookies([{ name: "care_session", value: token, url: server.url }]);
    }
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  }

  /** Opens each page, waits for its heading, runs axe, and (at phone width) checks for sideways scrolling. */
  async function check(page: Page, addresses: string[], where: string, expectedStatus = 200) {
    for (const address of addresses) {
      const response = await page.goto(server.url + address);
      expect(response?.status(), `${address} (${where})`).toBe(expectedStatus);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      await expectNoAxeViolations(page, `${address} (${where})`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `sideways scrolling on ${address} (${where})`).toBeLessThanOrEqual(0);
    }
    expect(
      consoleErrors(page).filter((e) => !/the server responded with a status of (404|410)/.test(e)),
      where,
    ).toEqual([]);
  }

  const workspace = () => [
    "/app",
    "/app/proposals",
    "/app/proposals/new",
    paths.proposal!,
    paths.history!,
    paths.comparison!,
    paths.round!,
    "/app/organizations",
    "/app/organizations/new",
    paths.organization!,
    "/app/people",
    paths.person!,
    "/app/positions",
    paths.position!,
    "/app/inquiries",
    paths.inquiry!,
    "/app/audit",
    "/app/outbox",
    "/app/site",
    "/app/profile",
  ];

  it("has no violations on the pages axe did not see before (desktop)", async () => {
    const convener = await pageFor(convenerId, DESKTOP);
    await check(convener, ["/app/audit", paths.person!, "/app/positions", "/app/proposals/new"], "convener, desktop");
    const anonymous = await pageFor(null, DESKTOP);
    await check(anonymous, ["/forgot", paths.reset!], "anonymous, desktop");
    await check(anonymous, ["/reset/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "/setup?token=wrong"], "anonymous, desktop, unknown link", 404);
  }, 300_000);

  it("pages a long list with the keyboard alone", async () => {
    const convener = await pageFor(convenerId, DESKTOP);
    await convener.goto(server.url + "/app/audit");
    const pages = convener.getByRole("navigation", { name: "Pages of the audit trail" });
    await pages.waitFor();
    expect(await pages.getByRole("link", { name: "Previous page" }).count()).toBe(0);
    // Tab from the page's start until the link has focus, then Enter: the older page opens.
    await convener.locator("body").focus();
    const next = pages.getByRole("link", { name: "Next page" });
    for (let i = 0; i < 400 && !(await next.evaluate((a) => a === document.activeElement)); i++) await convener.keyboard.press("Tab");
    expect(await next.evaluate((a) => a === document.activeElement)).toBe(true);
    await convener.keyboard.press("Enter");
    await convener.waitForURL(/\/app\/audit\?before=\d+$/);
    await pages.getByRole("link", { name: "Previous page" }).waitFor();
    await expectNoAxeViolations(convener, "/app/audit, an older page");
    await check(convener, ["/app/outbox"], "convener, outbox with pages");
    expect(await convener.getByRole("navigation", { name: "Pages of the outbox" }).getByRole("link", { name: "Next page" }).count()).toBe(
      1,
    );
  }, 120_000);

  it("has no violations and no sideways scrolling on every workspace page at 390 px", async () => {
    const convener = await pageFor(convenerId, PHONE);
    await check(convener, workspace(), "convener, 390 px");
    // The comparison (checked by axe above, colour contrast included) keeps its blocks, and each
    // mark stays inside one of them (each with who made it after it, decision 076).
    await convener.goto(server.url + paths.comparison!);
    const comparison = convener.locator(".diff");
    await comparison.getByRole("heading", { level: 3, name: "Loans while a chair is repaired" }).waitFor();
    expect(await comparison.getByRole("listitem").count()).toBe(3);
    const marks = await comparison.locator("ins, del").count();
    expect(marks).toBeGreaterThanOrEqual(5);
    expect(await comparison.locator(":is(p, li, h3) > .change > :is(ins, del)").count()).toBe(marks);
    expect(await comparison.locator("li del", { hasText: "five" }).textContent()).toBe("[− removed: five−]");
    expect(await comparison.locator("li ins", { hasText: "two" }).textContent()).toBe("[+ added: two+]");
    const representative = await pageFor(representativeId, PHONE);
    await check(representative, ["/app", "/app/proposals", paths.proposal!, paths.round!, "/app/profile"], "representative, 390 px");
    const anonymous = await pageFor(null, PHONE);
    await check(anonymous, ["/login", "/forgot", paths.reset!], "anonymous, 390 px");
  }, 600_000);
});
