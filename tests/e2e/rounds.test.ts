import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { organizations } from "../../db/schema";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPageAs } from "../support/browser";
import { makeProposal } from "../support/collab";
import { makeOrganization, makePerson } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

describeE2E("a consensus round in the browser", () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Presses Tab until the element has the focus (the keyboard alone, as a person would). */
  async function tabTo(page: Page, target: Locator) {
    for (let i = 0; i < 200; i++) {
      await page.keyboard.press("Tab");
      if (await target.evaluate((el) => el === document.activeElement)) return;
    }
    throw new Error(`Tab never reached ${String(target)}`);
  }

  it("opens, collects three organizations' answers, closes early and explains the outcome", async () => {
    const db = server.database.db;
    await db.update(organizations).set({ votingMember: false });
    const names = ["Amputee Alliance", "Down Syndrome Society", "Diabetes Foundation"];
    const orgs = await Promise.all(names.map((name) => makeOrganization(db, { name })));
    const voters = await Promise.all(orgs.map((o) => makePerson(db, { organizationId: o.id, canVote: true })));
    const convener = await makePerson(db, { role: "convener" });
    const lead = await makeOrganization(db, { votingMember: false });
    const proposal = await makeProposal(db, { title: "Coverage for prosthetic care", leadOrganizationId: lead.id });

    const admin = await newPageAs(browser, server, { personId: convener.id });
    await admin.goto(`${server.url}/app/proposals/${proposal.id}/round`);
    await admin.getByRole("heading", { level: 1, name: "Open a consensus round" }).waitFor();
    await expectNoAxeViolations(admin);
    await admin.getByLabel("Instructions for voters").fill("Please answer by Friday.");
    await admin.getByRole("button", { name: "Open consensus round" }).click();
    await admin.getByText("The round is open.").waitFor();
    await expectNoAxeViolations(admin, "the round page, open");
    const roundUrl = admin.url().replace(/\?.*$/, "");

    // The first voter uses the keyboard alone.
    const first = await newPageAs(browser, server, { personId: voters[0]!.id });
    await first.goto(roundUrl);
    await first.getByRole("heading", { name: "The ballot of Amputee Alliance" }).waitFor();
    await expectNoAxeViolations(first, "the round page for a voter");
    await tabTo(first, first.getByRole("radio", { name: "Endorse", exact: true }));
    await first.keyboard.press("Space");
    await tabTo(first, first.getByRole("button", { name: "Cast ballot" }));
    await first.keyboard.press("Enter");
    await first.getByText("Your organization's ballot is recorded.").waitFor();
    expect(await first.getByText("Current answer:").textContent()).toContain("Endorse");

    const second = await newPageAs(browser, server, { personId: voters[1]!.id });
    await second.goto(roundUrl);
    await second.getByRole("radio", { name: "Endorse with reservations" }).check();
    await second.getByLabel("Your reservations (required)").fill("Section 3 should name adult services too.");
    await second.getByRole("button", { name: "Cast ballot" }).click();
    await second.getByText("Your organization's ballot is recorded.").waitFor();

    const third = await newPageAs(browser, server, { personId: voters[2]!.id });
    await third.goto(roundUrl);
    await third.getByRole("radio", { name: "Object" }).check();
    await third.getByRole("button", { name: "Cast ballot" }).click();
    await third.getByText("Object needs a reason.").first().waitFor();
    await expectNoAxeViolations(third, "the ballot form with an error");
    await third.getByLabel("What would need to change (required)").fill("The cost estimate is missing; add it and we will endorse.");
    await third.getByRole("button", { name: "Cast ballot" }).click();
    await third.getByText("Your organization's ballot is recorded.").waitFor();

    await admin.goto(roundUrl);
    await admin.getByText("Not decided yet: the quorum of 2 is reached (3 of 3 organizations have answered).", { exact: false }).waitFor();
    await admin.getByRole("button", { name: "Close round" }).click();
    await admin.getByRole("heading", { name: "Close the round now?" }).waitFor();
    await admin.getByRole("button", { name: "Yes, close the round now" }).click();
    await admin.getByText("Not adopted: 3 of 3 organizations answered; the quorum was 2.").waitFor();
    await expectNoAxeViolations(admin, "the round page, closed");

    await third.reload();
    await third.getByText("Not adopted: 3 of 3 organizations answered").waitFor();
    expect(await third.getByText("Section 3 should name adult services too.").count()).toBe(1);

    for (const page of [admin, first, second, third]) {
      // 400s are the ballot sent without its reason on purpose.
      expect(consoleErrors(page).filter((e) => !e.includes("status of 400"))).toEqual([]);
    }
  });
});
