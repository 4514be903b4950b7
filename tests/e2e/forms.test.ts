import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPageAs } from "../support/browser";
import { makeOrganization, makePerson } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/*
 * A workspace form with JavaScript reads the server's answer in the browser (app/lib/use-form.ts,
 * docs/decisions/095): what a person notices of it — the errors, where focus goes, what a screen
 * reader is told, the check again on leaving a field, and choices that follow other choices.
 */
describeE2E("a workspace form's errors with JavaScript", () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ roundScheduler: false });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("names the problems, focuses them, wires them to their fields, checks a field again when it is left", async () => {
    const db = server.database.db;
    const convener = await makePerson(db, { role: "convener" });
    const lead = await makeOrganization(db, { name: "Lead Kidney Alliance" });
    await makeOrganization(db, { name: "Other Lung Network" });
    const page = await newPageAs(browser, server, { personId: convener.id });
    await page.goto(`${server.url}/app/proposals/new`);
    await page.getByRole("heading", { level: 1, name: "New proposal" }).waitFor();

    // The lead organization is never offered as its own co-sponsor, as the choice changes.
    const sponsors = page.getByRole("group", { name: "Co-sponsoring organizations" });
    await sponsors.getByRole("checkbox", { name: "Lead Kidney Alliance" }).waitFor();
    await page.getByLabel("Lead organization").selectOption(lead.id);
    await sponsors.getByRole("checkbox", { name: "Other Lung Network" }).waitFor();
    expect(await sponsors.getByRole("checkbox", { name: "Lead Kidney Alliance" }).count()).toBe(0);

    await page.getByRole("button", { name: "Start the proposal" }).click();
    const summary = page.getByRole("alert").filter({ hasText: "Please correct the following" });
    await summary.waitFor();
    await summary.getByRole("link", { name: "Enter title." }).waitFor();
    // Focus ends on the list of problems, so a screen reader reads it first.
    expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
    const title = page.getByLabel("Title");
    expect(await title.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await title.getAttribute("aria-describedby"))!.split(" ");
    const messages = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(messages).toContain("Enter title.");
    // The summary's link leads to the field.
    expect(await summary.getByRole("link", { name: "Enter title." }).getAttribute("href")).toBe(`#${await title.getAttribute("id")}`);
    await expectNoAxeViolations(page, "the new proposal form with errors");

    // Leaving the field after fixing it asks the server again: its error goes, the others stay.
    const pillarError = await page.getByText("Choose at least one pillar.").count();
    expect(pillarError).toBeGreaterThan(0);
    await title.fill("Cover hearing aids");
    await page.getByLabel("Summary", { exact: true }).focus();
    await page.getByText("Enter title.").first().waitFor({ state: "detached" });
    expect(await title.getAttribute("aria-invalid")).toBeNull();
    expect(await page.getByText("Choose at least one pillar.").count()).toBe(pillarError);
    expect(await page.getByLabel("Title").inputValue()).toBe("Cover hearing aids");
    // The form's refusals are answered 400 by design, which Chromium logs; nothing else may be.
    expect(consoleErrors(page).filter((e) => !e.includes("status of 400 (Bad Request)"))).toEqual([]);
  });
});
