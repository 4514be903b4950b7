import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPersonContext } from "../support/browser";
import { startServerProcess, temporaryDataDir, type ServerProcess } from "../support/process";

describeE2E("a newcomer's first hour", () => {
  let browser: Browser;
  let server: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = temporaryDataDir();
    server = await startServerProcess({ dataDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function visit(page: Page, check: () => Promise<void>) {
    await check();
    await expectNoAxeViolations(page);
  }

  it("sets up the platform, adds an organization, invites a representative who signs in and out", async () => {
    const [, link] = await server.waitForOutput(/(http:\/\/\S+\/setup\?token=[a-z2-7]{32})/);
    expect(server.output()).toContain("No convener exists yet");

    const convenerContext = await newPersonContext(browser);
    const page = await convenerContext.newPage();
    await page.goto(link!);
    await visit(page, () => page.getByRole("heading", { level: 1, name: "Set up CARE Table" }).waitFor({ timeout: 5000 }));
    await page.getByLabel("Name").fill("Ada Convener");
    await page.getByLabel("Email").fill("ada@example.org");
    await page.getByLabel("Password").fill("a long convener passphrase");
    await page.getByRole("button", { name: "Create convener account" }).click();
    await page.waitForURL("**/app");
    await visit(page, () => page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor());

    // The setup link is spent.
    const spent = await convenerContext.newPage();
    await spent.goto(link!);
    await expect(spent.getByText("This setup link is not valid").isVisible()).resolves.toBe(true);
    await spent.close();

    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Organizations" }).click();
    await visit(page, () => page.getByRole("heading", { level: 1, name: "Organizations" }).waitFor());
    expect(await page.getByRole("link", { name: "Autism Speaks" }).isVisible()).toBe(true);
    await page.getByRole("link", { name: "Add organization" }).click();
    await visit(page, () => page.getByRole("heading", { level: 1, name: "Add organization" }).waitFor());
    // An empty name is refused beside its field.
    await page.getByRole("button", { name: "Add organization" }).click();
    await page.getByText("Enter name.").first().waitFor();
    await expectNoAxeViolations(page, "the organization form with errors");
    await page.getByLabel("Name", { exact: true }).fill("Rare Disease Alliance");
    await page.getByLabel("Website").fill("https://rda.example.org");
    await page.getByRole("checkbox", { name: "Research" }).check();
    await page.getByRole("button", { name: "Add organization" }).click();
    await page.getByText("The organization was added.").waitFor();
    expect(await page.getByRole("link", { name: "Rare Disease Alliance" }).isVisible()).toBe(true);

    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "People" }).click();
    await visit(page, () => page.getByRole("heading", { level: 1, name: "People" }).waitFor());
    await page.getByLabel("Email", { exact: true }).fill("rita@example.org");
    await page.getByLabel("Organization", { exact: true }).selectOption({ label: "Rare Disease Alliance" });
    await page.getByLabel("Can vote for the organization").check();
    await page.getByRole("button", { name: "Send invitation" }).click();
    const invitation = (await page.locator(".copyable").first().textContent())!.trim();
    expect(invitation).toMatch(/\/invite\/[a-z2-7]{32}$/);
    await expectNoAxeViolations(page, "the people page after inviting");

    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Outbox" }).click();
    await visit(page, () => page.getByText("You are invited to Patient CARE Working Table").waitFor());

    // The representative, in a browser of their own.
    const repContext = await newPersonContext(browser);
    const rep = await repContext.newPage();
    await rep.goto(invitation);
    await visit(rep, () => rep.getByRole("heading", { level: 1, name: "Accept your invitation" }).waitFor());
    await rep.getByLabel("Name").fill("Rita Representative");
    await rep.getByLabel("Password").fill("rita's long passphrase");
    await rep.getByRole("button", { name: "Accept invitation" }).click();
    await rep.waitForURL("**/app?welcome=1");
    await visit(rep, () => rep.getByText("Welcome, Rita Representative").waitFor());
    expect(await rep.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "People" }).count()).toBe(0);

    await rep.getByRole("button", { name: "Log out" }).click();
    await rep.waitForURL("**/login?loggedOut=1");
    await visit(rep, () => rep.getByText("You have logged out.").waitFor());

    await rep.getByLabel("Email").fill("rita@example.org");
    await rep.getByLabel("Password").fill("rita's long passphrase");
    await rep.getByRole("button", { name: "Log in" }).click();
    await rep.waitForURL("**/app");
    await rep.getByRole("link", { name: /Rita Representative/ }).click();
    await visit(rep, () => rep.getByRole("heading", { level: 1, name: "Your profile" }).waitFor());
    await rep.getByRole("button", { name: "Log out" }).click();
    await rep.waitForURL("**/login?loggedOut=1");

    // The one 400 is the empty organization form sent on purpose above.
    expect(consoleErrors(page).filter((e) => !e.includes("status of 400"))).toEqual([]);
    expect(consoleErrors(rep)).toEqual([]);
  });
});
