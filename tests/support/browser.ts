import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { describe, expect } from "vitest";
import type { Db } from "../../db/client";
import { createSession } from "../../db/queries/sessions";

const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const chromiumAvailable = fs.existsSync(chromiumPath);
const required = process.env.REQUIRE_E2E === "1" || process.env.REQUIRE_E2E === "true";

/**
 * Browser tests run when Debian's Chromium is there; without it they are skipped, unless
 * REQUIRE_E2E=1 (CI), where the missing browser fails the run instead.
 */
export const describeE2E = chromiumAvailable || required ? describe : describe.skip;

/** Debian's Chromium, headless; Playwright never downloads a browser of its own here. */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable) {
    throw new Error(`Chromium is missing at ${chromiumPath} (REQUIRE_E2E is set): apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * A new browser context (its own cookies and storage: a separate person) whose pages fail the
 * test on a console error or an uncaught exception.
 */
export async function newPersonContext(
  browser: Browser,
  options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: "en-US",
    timezoneId: "America/New_York",
  });
  context.on("page", (page) => watchPage(page));
  return context;
}

const pageErrors = new WeakMap<Page, string[]>();

function watchPage(page: Page) {
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
}

/**
 * Waits until the page's router has no navigation or revalidation in flight. A click during one
 * interrupts it, and Remix logs the interrupted response's AbortError to the console.
 */
export async function routerSettled(page: Page) {
  await page.waitForFunction(() => {
    // Remix's client router, as RemixBrowser exposes it.
    const router = (window as { __remixRouter?: { state: { navigation: { state: string }; revalidation: string } } }).__remixRouter;
    return router !== undefined && router.state.navigation.state === "idle" && router.state.revalidation === "idle";
  });
}

/** The console errors and uncaught exceptions seen on a page so far. */
export function consoleErrors(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

/** Zero axe-core violations for WCAG 2.2 A and AA on the page as it is now. */
export async function expectNoAxeViolations(page: Page, where = page.url()) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]).analyze();
  const summary = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 5)
        .join("\n    ")}`,
  );
  expect(summary, `axe violations on ${where}`).toEqual([]);
}

/**
 * A page in a browser context of its own (a separate person), signed in as `personId` when given
 * (a session made directly, with no login form). Closing the browser closes it.
 */
export async function newPageAs(
  browser: Browser,
  server: { url: string; database: { db: Db } },
  options: { personId?: string; javaScriptEnabled?: boolean } = {},
): Promise<Page> {
  const context = await newPersonContext(browser, { javaScriptEnabled: options.javaScriptEnabled });
  if (options.personId) {
    const { token } = await createSession(server.database.db, options.personId);
    await context.addCookies([{ name: "care_session", value: token, url: server.url }]);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}
