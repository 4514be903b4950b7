import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PNG_7x5 } from "../support/images";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPersonContext } from "../support/browser";
import { startServerProcess, temporaryDataDir, type ServerProcess } from "../support/process";

const publicPages = [
  { path: "/", heading: "Patient CARE Working Table" },
  { path: "/members", heading: "Member organizations" },
  { path: "/positions", heading: "Adopted positions" },
  { path: "/join", heading: "Join the coalition" },
  { path: "/join/thanks", heading: "Thank you: your inquiry was sent" },
  { path: "/pillars/coverage", heading: "Coverage" },
  { path: "/pillars/access", heading: "Access" },
  { path: "/pillars/research", heading: "Research" },
  { path: "/pillars/equity", heading: "Equity" },
  { path: "/pillars/nothing", heading: "Page not found" },
];

/*
 * Public pages ship no script, so they behave the same with JavaScript on or off; axe needs it on
 * (it runs in the page), so accessibility is checked with it on and the journeys run with it off.
 */

/** Desktop, a phone, the narrowest phone (320 px: WCAG reflow) and a desktop at 200 % zoom. */
const widths = [
  { name: "desktop", viewport: { width: 1280, height: 900 } },
  { name: "phone", viewport: { width: 375, height: 740 } },
  { name: "narrow phone", viewport: { width: 320, height: 640 } },
  { name: "desktop at 200 %", viewport: { width: 640, height: 450 } },
];

/** Console errors, less Chromium's note on a page answered 400 or 404 on purpose (a refused form, the 404 page). */
function unexpectedErrors(page: Page): string[] {
  return consoleErrors(page).filter((e) => !/^Failed to load resource: the server responded with a status of (400|404) /.test(e));
}

describeE2E("the public site and membership inquiries", () => {
  let browser: Browser;
  let server: ServerProcess;
  let dataDir: string;
  let convener: BrowserContext;
  let convenerPage: Page;

  beforeAll(async () => {
    dataDir = temporaryDataDir();
    server = await startServerProcess({ dataDir });
    browser = await launchChromium();
    const [, link] = await server.waitForOutput(/(http:\/\/\S+\/setup\?token=[a-z2-7]{32})/);
    convener = await newPersonContext(browser);
    convenerPage = await convener.newPage();
    await convenerPage.goto(link!);
    await convenerPage.getByLabel("Name").fill("Ada Convener");
    await convenerPage.getByLabel("Email").fill("ada@example.org");
    await convenerPage.getByLabel("Password").fill("a long convener passphrase");
    await convenerPage.getByRole("button", { name: "Create convener account" }).click();
    await convenerPage.waitForURL("**/app");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(widths)(
    "shows every public page without accessibility violations or sideways scrolling: $name",
    async ({ name, viewport }) => {
      {
        const context = await newPersonContext(browser, { viewport });
        const page = await context.newPage();
        for (const { path: address, heading } of publicPages) {
          await page.goto(server.url + address);
          await page.getByRole("heading", { level: 1, name: heading }).waitFor();
          await expectNoAxeViolations(page, `${address} (${name})`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `horizontal overflow on ${address} (${name})`).toBeLessThanOrEqual(0);
          expect(await page.locator("script").count(), address).toBe(0);
        }
        // The page's own font, served from this site.
        await page.goto(server.url + "/");
        const fonts = await page.evaluate(async () => {
          await document.fonts.ready;
          return [...document.fonts].filter((f) => f.status === "loaded").map((f) => `${f.family.replace(/"/g, "")} ${f.weight}`);
        });
        expect(fonts).toContain("Atkinson Hyperlegible 400");
        expect(unexpectedErrors(page)).toEqual([]);
        await context.close();
      }
    },
    240_000,
  );

  it("lets a reader find their way by keyboard: skip link first, focus visible", async () => {
    const context = await newPersonContext(browser);
    const page = await context.newPage();
    await page.goto(server.url + "/");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to main content" });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    const outline = await skip.evaluate((el) => getComputedStyle(el).outlineWidth);
    expect(outline).toBe("3px");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    await context.close();
  });

  it("takes an inquiry from a reader without JavaScript to a convener who accepts it", async () => {
    const reader = await newPersonContext(browser, { javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
    const page = await reader.newPage();
    await page.goto(server.url + "/");
    await page.getByRole("link", { name: "Ask to join" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Join the coalition" }).waitFor();

    // Sent empty: every problem is named, beside its field and at the top.
    await page.getByRole("button", { name: "Send inquiry" }).click();
    await page.getByRole("alert").getByText("Please correct the following").waitFor();
    expect(await page.getByText("Enter email.").count()).toBeGreaterThan(0);
    const checker = await newPersonContext(browser);
    const checked = await checker.newPage();
    await checked.goto(server.url + "/join");
    await checked.getByRole("button", { name: "Send inquiry" }).click();
    await checked.getByRole("alert").getByText("Please correct the following").waitFor();
    await expectNoAxeViolations(checked, "/join with errors");
    await checker.close();

    await page.getByLabel("Name").fill("Rosa Rivera");
    await page.getByLabel("Email").fill("not-an-address");
    await page.getByLabel("Organization", { exact: true }).fill("Rare Kidney Network");
    await page.getByRole("radio", { name: "Patient advocacy group" }).check();
    await page.getByLabel("Message").fill("We are 3,000 families living with rare kidney disease.\n\nWe would like to join.");
    await page.getByRole("button", { name: "Send inquiry" }).click();
    await page.getByText("Enter a valid email address").first().waitFor();
    // What was typed is still there.
    expect(await page.getByLabel("Organization", { exact: true }).inputValue()).toBe("Rare Kidney Network");
    expect(await page.getByRole("radio", { name: "Patient advocacy group" }).isChecked()).toBe(true);
    await page.getByLabel("Email").fill("rosa@example.org");
    await page.getByRole("button", { name: "Send inquiry" }).click();
    await page.getByRole("heading", { level: 1, name: "Thank you: your inquiry was sent" }).waitFor();
    expect(unexpectedErrors(page)).toEqual([]);

    // The convener is told, finds it, and accepts it.
    const p = convenerPage;
    await p.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Outbox" }).click();
    await p.getByText("New membership inquiry: Rare Kidney Network").waitFor();
    await p.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Inquiries" }).click();
    await p.getByRole("heading", { level: 1, name: "Membership inquiries" }).waitFor();
    await expectNoAxeViolations(p, "/app/inquiries");
    await p.getByLabel("Status").selectOption("new");
    await p.getByRole("button", { name: "Show" }).click();
    await p.waitForURL("**/app/inquiries?status=new");
    await p.getByRole("link", { name: "Rare Kidney Network" }).click();
    await p.getByRole("heading", { level: 1, name: "Inquiry from Rare Kidney Network" }).waitFor();
    expect(await p.getByText("We are 3,000 families living with rare kidney disease.").isVisible()).toBe(true);
    await expectNoAxeViolations(p, "/app/inquiries/:id");

    await p.getByRole("button", { name: "Mark as contacted" }).click();
    await p.getByText("The inquiry is marked as contacted.").waitFor();
    await p.getByLabel("Note", { exact: true }).fill("Spoke with Rosa on the phone.");
    await p.getByRole("button", { name: "Save note" }).click();
    await p.getByText("The note was saved.").waitFor();
    await p.getByRole("button", { name: "Accept and invite" }).click();
    await p.getByText("The inquiry is accepted").waitFor();
    const invitation = (await p.locator(".copyable").first().textContent())!.trim();
    expect(invitation).toMatch(/\/invite\/[a-z2-7]{32}$/);
    await expectNoAxeViolations(p, "the accepted inquiry");

    await p.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Organizations" }).click();
    expect(await p.getByRole("link", { name: "Rare Kidney Network" }).count()).toBe(1);

    // The person who wrote accepts the invitation.
    const rosa = await newPersonContext(browser);
    const rp = await rosa.newPage();
    await rp.goto(invitation);
    await rp.getByLabel("Name").fill("Rosa Rivera");
    await rp.getByLabel("Password").fill("rosa's long passphrase");
    await rp.getByRole("button", { name: "Accept invitation" }).click();
    await rp.waitForURL("**/app?welcome=1");
    expect(consoleErrors(p)).toEqual([]);
    await reader.close();
    await rosa.close();
  }, 240_000);

  it("shows a site text change and a new logo on the home page", async () => {
    const p = convenerPage;
    await p.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Site text" }).click();
    await p.getByRole("heading", { level: 1, name: "Site text" }).waitFor();
    await expectNoAxeViolations(p, "/app/site");
    await p.getByLabel("Vision", { exact: true }).fill("Every patient heard.\n\nEvery policy better for it.");
    await p.getByLabel("Equity").fill("Fair care for everyone.");
    await p.getByRole("button", { name: "Save site text" }).click();
    await p.getByText("The site text was saved.").waitFor();

    await p.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Organizations" }).click();
    await p.getByRole("link", { name: "Rare Kidney Network" }).click();
    await p.getByRole("heading", { level: 1, name: "Rare Kidney Network" }).waitFor();
    const file = path.join(os.tmpdir(), `logo-${Date.now()}.png`);
    fs.writeFileSync(file, PNG_7x5);
    await p.getByLabel("Logo file").setInputFiles(file);
    await p.getByRole("button", { name: "Upload logo" }).click();
    await p.getByText("The logo was saved.").waitFor();
    fs.rmSync(file);
    await expectNoAxeViolations(p, "the organization with its logo");

    const reader = await newPersonContext(browser);
    const home = await reader.newPage();
    await home.goto(server.url + "/");
    await home.getByText("Every patient heard.").waitFor();
    expect(await home.getByText("Every policy better for it.").isVisible()).toBe(true);
    expect(await home.getByText("Fair care for everyone.").isVisible()).toBe(true);
    const logo = home.getByRole("img", { name: "Rare Kidney Network" });
    expect(await logo.isVisible()).toBe(true);
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(7);
    await expectNoAxeViolations(home, "/ after the changes");
    expect(consoleErrors(home)).toEqual([]);
    expect(consoleErrors(p)).toEqual([]);
    await reader.close();
  }, 240_000);
});
