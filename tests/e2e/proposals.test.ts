import fs from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { seedCoalition } from "../../db/queries/coalition";
import { setOrganizationStatus } from "../../db/queries/organizations";
import { setSponsors } from "../../db/queries/proposals";
import { readCoalitionProfile } from "../../server/boot";
import { migrationsFolder } from "../../server/paths";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPersonContext, routerSettled } from "../support/browser";
import { makeProposal } from "../support/collab";
import { makeOrganization, makePerson, TEST_PASSWORD } from "../support/factories";
import { freePort, startServerProcess, temporaryDataDir, type ServerProcess } from "../support/process";

describeE2E("writing a proposal together", () => {
  let browser: Browser;
  let server: ServerProcess;
  let dataDir: string;
  let port: number;
  let proposalId: string;
  const people = { ana: "", ben: "", cleo: "" };

  beforeAll(async () => {
    // The database is prepared before the server owns the folder (PGlite belongs to one process).
    dataDir = temporaryDataDir("care-table-proposals-");
    const database = await openDatabase({ dataDir });
    await migrateDatabase(database, migrationsFolder);
    await seedCoalition(database.db, readCoalitionProfile());
    const db = database.db;
    const north = await makeOrganization(db, { name: "North Patients Network" });
    const south = await makeOrganization(db, { name: "South Care Alliance" });
    const west = await makeOrganization(db, { name: "West Health Voices" });
    people.ana = (await makePerson(db, { organizationId: north.id, name: "Ana Author" })).email;
    people.ben = (await makePerson(db, { organizationId: south.id, name: "Ben Builder" })).email;
    people.cleo = (await makePerson(db, { organizationId: west.id, name: "Cleo Reader" })).email;
    await setOrganizationStatus(db, west.id, "suspended");
    proposalId = (await makeProposal(db, { leadOrganizationId: north.id, title: "Coverage for rare conditions" })).id;
    // Ben's organization co-sponsors: he edits directly (others would suggest; tests/e2e/suggestions.test.ts).
    await setSponsors(db, proposalId, [south.id]);
    await database.close();
    port = await freePort();
    server = await startServerProcess({ dataDir, port });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await newPersonContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/app");
    return { context, page };
  }

  const editor = (page: Page) => page.getByRole("textbox", { name: "Proposal text" });
  const saveState = (page: Page) => page.locator(".save-state");

  it("two people type into the same proposal, see each other's text and caret, and it is saved", async () => {
    const ana = await signedIn(people.ana);
    const ben = await signedIn(people.ben);

    await ana.page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Proposals" }).click();
    await ana.page.getByRole("heading", { level: 1, name: "Proposals" }).waitFor();
    await expectNoAxeViolations(ana.page, "the proposals list");
    await ana.page.getByRole("link", { name: "Coverage for rare conditions" }).click();

    await ben.page.goto(`${server.url}/app/proposals/${proposalId}`);
    for (const p of [ana.page, ben.page]) {
      await editor(p).and(p.locator("[contenteditable=true]")).waitFor();
      await saveState(p).getByText("Saved", { exact: true }).waitFor();
    }
    await expectNoAxeViolations(ana.page, "the editor");

    await editor(ana.page).click();
    await ana.page.keyboard.type("Alpha words from Ana.");
    await ana.page.keyboard.press("Enter");
    await ben.page.getByText("Alpha words from Ana.").waitFor();
    await editor(ben.page).click();
    await ben.page.keyboard.press("Control+End");
    await ben.page.keyboard.type("Beta words from Ben.");
    await ana.page.getByText("Beta words from Ben.").waitFor();

    // Each sees the other's caret, labelled with name and organization.
    await ana.page.locator(".collaboration-carets__label", { hasText: "Ben Builder (South Care Alliance)" }).waitFor();
    await ben.page.locator(".collaboration-carets__label", { hasText: "Ana Author (North Patients Network)" }).waitFor();
    // And who is here now.
    await ana.page.getByRole("list", { name: "Here now" }).getByText("Ben Builder (South Care Alliance)").waitFor();

    for (const p of [ana.page, ben.page]) await saveState(p).getByText("Saved", { exact: true }).waitFor();

    // A named version, then the history page with its difference.
    await ana.page.getByLabel("Version name").fill("First draft");
    await ana.page.getByRole("button", { name: "Save version" }).click();
    await ana.page.getByText("Version 1 “First draft” was saved.").waitFor();
    await routerSettled(ana.page);
    await ana.page.getByRole("link", { name: /see history/ }).click();
    await ana.page.getByRole("heading", { level: 1, name: /History of/ }).waitFor();
    await ana.page.getByText("The two texts are the same.").waitFor();
    await expectNoAxeViolations(ana.page, "the history page");

    // The server restarts: everything said to be saved is there afterwards.
    await server.stop();
    server = await startServerProcess({ dataDir, port });
    await ben.page.reload();
    await editor(ben.page).getByText("Alpha words from Ana.").waitFor();
    await editor(ben.page).getByText("Beta words from Ben.").waitFor();
    await saveState(ben.page).getByText("Saved", { exact: true }).waitFor();

    expect(consoleErrors(ana.page)).toEqual([]);
    // While the server was down the browser logged its reconnection attempts: expected.
    expect(consoleErrors(ben.page).filter((e) => !/WebSocket connection .*ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
    await ana.context.close();
    await ben.context.close();
  });

  it("keeps edits made offline on the device, warns before closing, and merges them when back", async () => {
    const ana = await signedIn(people.ana);
    await ana.page.goto(`${server.url}/app/proposals/${proposalId}`);
    await saveState(ana.page).getByText("Saved", { exact: true }).waitFor();
    await server.stop();
    await saveState(ana.page).getByText("Offline – changes kept on this device").waitFor();
    await editor(ana.page).click();
    await ana.page.keyboard.press("Control+End");
    await ana.page.keyboard.type(" Written offline.");
    await saveState(ana.page).getByText("Offline – changes kept on this device").waitFor();
    // Closing the tab with unsaved changes asks first.
    let warned = false;
    ana.page.on("dialog", (dialog) => {
      warned = dialog.type() === "beforeunload";
      void dialog.accept();
    });
    await new Promise((r) => setTimeout(r, 300));
    await ana.page.close({ runBeforeUnload: true });
    await expect.poll(() => warned).toBe(true);

    server = await startServerProcess({ dataDir, port });
    const again = await ana.context.newPage();
    await again.goto(`${server.url}/app/proposals/${proposalId}`);
    await editor(again).getByText("Written offline.").waitFor();
    await saveState(again).getByText("Saved", { exact: true }).waitFor();
    // Someone else sees it: it reached the server.
    const ben = await signedIn(people.ben);
    await ben.page.goto(`${server.url}/app/proposals/${proposalId}`);
    await editor(ben.page).getByText("Written offline.").waitFor();
    expect(consoleErrors(again)).toEqual([]);
    await ana.context.close();
    await ben.context.close();
  });

  it("a representative of a suspended organization reads but cannot type", async () => {
    const cleo = await signedIn(people.cleo);
    await cleo.page.goto(`${server.url}/app/proposals/${proposalId}`);
    await cleo.page
      .getByText(/is suspended: you can read this proposal, but not edit it/)
      .first()
      .waitFor();
    await editor(cleo.page).and(cleo.page.locator("[contenteditable=false]")).waitFor();
    await editor(cleo.page).getByText("Alpha words from Ana.").waitFor();
    await editor(cleo.page).click();
    await cleo.page.keyboard.type("Cleo was here");
    await new Promise((r) => setTimeout(r, 300));
    expect(await cleo.page.getByText("Cleo was here").count()).toBe(0);
    expect(await cleo.page.getByRole("button", { name: "Save version" }).count()).toBe(0);
    expect(consoleErrors(cleo.page)).toEqual([]);
    await cleo.context.close();
  });
});
