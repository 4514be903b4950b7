import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../db/queries/sessions";
import { organizations } from "../../db/schema";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPersonContext } from "../support/browser";
import { makeProposal } from "../support/collab";
import { makeOrganization, makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { paragraph, writeProposalText } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";

describeE2E("the round page", () => {
  let browser: Browser;
  let server: TestServer;
  let admin: TestClient;
  let convenerId: string;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    const convener = await makePerson(server.database.db, { role: "convener" });
    convenerId = convener.id;
    admin = new TestClient(server.url);
    await signInAs(server.database.db, admin, convener.id);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** `n` organizations, the only eligible ones, each with one voter, and a round open on a proposal with text. */
  let run = 0;
  async function openRound(n: number) {
    const db = server.database.db;
    run++;
    await db.update(organizations).set({ votingMember: false });
    const orgs = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        makeOrganization(db, { name: `Alliance ${run}.${i + 1} for people living with a long-named condition` }),
      ),
    );
    const voters = await Promise.all(orgs.map((o) => makePerson(db, { organizationId: o.id, canVote: true })));
    const lead = await makeOrganization(db, { votingMember: false });
    const proposal = await makeProposal(db, { title: "Coverage for prosthetic care", leadOrganizationId: lead.id });
    await writeProposalText(server, proposal.id, (f) =>
      f.insert(0, [paragraph("Medicare covers prosthetic limbs without prior authorization.")]),
    );
    const res = await admin.post(`/app/proposals/${proposal.id}/round`, {
      deadline: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16),
      quorum: "2/3",
      thresholdPercent: "80",
      membersSeeAnswers: "on",
    });
    const roundId = res.location?.match(/rounds\/([0-9a-f-]{36})/)?.[1];
    if (!roundId) throw new Error(`the round did not open: ${res.status}`);
    return { roundId, url: `${server.url}/app/rounds/${roundId}`, voters, orgs };
  }

  async function pageAs(personId: string, options: { width?: number; javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const width = options.width ?? 1280;
    const context = await newPersonContext(browser, { javaScriptEnabled: options.javaScriptEnabled, viewport: { width, height: 900 } });
    const { token } = await createSession(server.database.db, personId);
    await context.addCookies([{ name: "care_session", value: token, url: server.url }]);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function noSidewaysScroll(page: Page) {
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(scroll, `document width at ${width} px`).toBeLessThanOrEqual(width);
  }

  const statusLine = (page: Page) =>
    page.getByRole("status").filter({ hasText: /^(Not decided yet|Adopted|Not adopted|Blocked|No decision)/ });

  for (const width of [1280, 390]) {
    describe(`at ${width} px`, () => {
      it("puts the text under vote before the ballot form, and the public-listing box is unticked and only with Endorse", async () => {
        const { url, voters, orgs } = await openRound(3);
        const page = await pageAs(voters[0]!.id, { width });
        await page.goto(url);
        const text = page.getByRole("heading", { level: 2, name: "The text under vote" });
        const ballot = page.getByRole("heading", { level: 2, name: `The ballot of ${orgs[0]!.name}` });
        await ballot.waitFor();
        const textFirst = await text.evaluate(
          (a, b) => Boolean(a.compareDocumentPosition(b as Node) & Node.DOCUMENT_POSITION_FOLLOWING),
          await ballot.elementHandle(),
        );
        expect(textFirst).toBe(true);
        expect((await text.boundingBox())!.y).toBeLessThan((await ballot.boundingBox())!.y);
        await expect(statusLine(page).textContent()).resolves.toBe(
          "Not decided yet: 2 more organizations must answer to reach the quorum of 2. No organization has endorsed or objected yet; 80 % support is needed. No block.",
        );
        // The jump link leads to the form.
        await page.getByRole("link", { name: "Cast your organization's ballot" }).click();
        expect(page.url()).toContain("#my-ballot");

        const listing = page.getByLabel("List our organization publicly as an endorser");
        await page.getByRole("radio", { name: "Endorse", exact: true }).check();
        expect(await listing.isChecked()).toBe(false);
        await page.getByRole("radio", { name: "Object" }).check();
        expect(await listing.count()).toBe(0);
        await page.getByLabel("What would need to change (required)").waitFor();
        await page.getByRole("radio", { name: "Endorse with reservations" }).check();
        await page.getByLabel("Your reservations (required)").waitFor();
        expect(await listing.isChecked()).toBe(false);
        await page.getByRole("radio", { name: "Block" }).check();
        await page.getByLabel("Why this would harm the people you represent (required)").waitFor();
        expect(await page.getByText("One Block stops the text for every organization").count()).toBe(1);
        await expectNoAxeViolations(page, `the voter's round page at ${width} px`);
        await noSidewaysScroll(page);
        expect(consoleErrors(page)).toEqual([]);
        await page.context().close();
      });

      it("updates a second voter's status and tally within 5 seconds when the first casts, without a reload", async () => {
        const { url, voters, orgs } = await openRound(3);
        const first = await pageAs(voters[0]!.id, { width });
        const second = await pageAs(voters[1]!.id, { width });
        await second.goto(url);
        await statusLine(second).getByText("2 more organizations must answer").waitFor();
        let reloaded = false;
        second.on("framenavigated", (frame) => {
          if (frame === second.mainFrame()) reloaded = true;
        });
        await first.goto(url);
        await first.getByRole("radio", { name: "Endorse", exact: true }).check();
        await first.getByRole("button", { name: "Cast ballot" }).click();
        await first.getByText("Your organization's ballot is recorded.").waitFor();
        await statusLine(second)
          .getByText("1 more organization must answer to reach the quorum of 2. Support so far 1 of 1 (100.0 %)")
          .waitFor({ timeout: 5_000 });
        await second.getByText("Answers: 1 of 3 organizations; 2 needed for the quorum").waitFor({ timeout: 5_000 });
        // At phone width each cell's label (data-label) is read before its value.
        expect(
          await second.getByRole("row", { name: new RegExp(`^${orgs[0]!.name.replace(/[.]/g, "\\.")} (Answer )?Endorse`) }).count(),
        ).toBe(1);
        expect(reloaded).toBe(false);
        await expectNoAxeViolations(second, `the updated round page at ${width} px`);
        expect([...consoleErrors(first), ...consoleErrors(second)]).toEqual([]);
        await first.context().close();
        await second.context().close();
      });
    });
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`Close round asks first and says the consequence, then Yes closes it (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async () => {
      const { url, voters } = await openRound(3);
      const voter = new TestClient(server.url);
      await signInAs(server.database.db, voter, voters[0]!.id);
      await voter.post(new URL(url).pathname, { intent: "cast", option: "endorse" });
      const page = await pageAs(convenerId, { javaScriptEnabled });
      await page.goto(url);
      await page.getByRole("button", { name: "Close round" }).click();
      await page.getByRole("heading", { name: "Close the round now?" }).waitFor();
      const consequence = await page.getByText(/^Close now\?/).textContent();
      expect(consequence).toMatch(
        /^Close now\? 2 organizations have not answered and the deadline is in [23] days\. The outcome will be computed from the 1 ballot cast; later ballots are refused\.$/,
      );
      // axe runs scripts in the page: with JavaScript off it cannot (the same states are checked with it on).
      if (javaScriptEnabled) await expectNoAxeViolations(page, "the close confirmation");
      // Nothing happened yet.
      const still = await admin.get(new URL(url).pathname);
      expect(still.text).toContain("Not decided yet");
      await page.getByRole("button", { name: "Yes, close the round now" }).click();
      await page.getByText("The round is closed and its outcome computed.").waitFor();
      expect(await statusLine(page).textContent()).toMatch(/^No decision \(no quorum\): 1 of 3 organizations answered; the quorum was 2\./);
      await page.getByRole("link", { name: "Back to the draft" }).waitFor();
      expect(await page.getByRole("link", { name: /Add the deadline to your calendar/ }).count()).toBe(0);
      expect(await page.getByRole("cell", { name: "Did not answer" }).count()).toBe(2);
      if (javaScriptEnabled) await expectNoAxeViolations(page, "the closed round");
      expect(consoleErrors(page)).toEqual([]);
      await page.context().close();
    });
  }
});
