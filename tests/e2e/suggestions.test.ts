import fs from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { seedCoalition } from "../../db/queries/coalition";
import { setSponsors } from "../../db/queries/proposals";
import { readCoalitionProfile } from "../../server/boot";
import { migrationsFolder } from "../../server/paths";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPersonContext } from "../support/browser";
import { makeProposal } from "../support/collab";
import { makeOrganization, makePerson, TEST_PASSWORD } from "../support/factories";
import { freePort, startServerProcess, temporaryDataDir, type ServerProcess } from "../support/process";

describeE2E("drafting with suggestions", () => {
  let browser: Browser;
  let server: ServerProcess;
  let dataDir: string;
  let proposalId: string;
  const people = { lena: "", cora: "", sam: "" };

  beforeAll(async () => {
    dataDir = temporaryDataDir("care-table-suggestions-");
    const database = await openDatabase({ dataDir });
    await migrateDatabase(database, migrationsFolder);
    await seedCoalition(database.db, readCoalitionProfile());
    const db = database.db;
    const lead = await makeOrganization(db, { name: "North Patients Network" });
    const sponsor = await makeOrganization(db, { name: "South Care Alliance" });
    const other = await makeOrganization(db, { name: "East Rare Disease Forum" });
    people.lena = (await makePerson(db, { organizationId: lead.id, name: "Lena Lead" })).email;
    people.cora = (await makePerson(db, { organizationId: sponsor.id, name: "Cora Cosponsor" })).email;
    people.sam = (await makePerson(db, { organizationId: other.id, name: "Sam Suggester" })).email;
    proposalId = (await makeProposal(db, { leadOrganizationId: lead.id, title: "Free care at the point of use" })).id;
    await setSponsors(db, proposalId, [sponsor.id]);
    await database.close();
    // Every look is a visit of its own, so a reload shows the changes since the look before.
    server = await startServerProcess({ dataDir, port: await freePort(), env: { VISIT_GAP_MINUTES: "0" } });
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
    await page.goto(`${server.url}/app/proposals/${proposalId}`);
    await editor(page).and(page.locator("[contenteditable=true]")).waitFor();
    await saveState(page).getByText("Saved", { exact: true }).waitFor();
    return { context, page };
  }

  const editor = (page: Page) => page.getByRole("textbox", { name: "Proposal text" });
  const saveState = (page: Page) => page.locator(".save-state");
  /** The editor's text without others' caret labels (which sit inside the text). */
  const textWithoutCarets = (page: Page) =>
    editor(page).evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      for (const caret of copy.querySelectorAll(".collaboration-carets__caret")) caret.remove();
      return copy.textContent ?? "";
    });
  const suggestions = (page: Page) => page.getByRole("region", { name: /^Suggestions \(/ });
  /**
   * Pastes plain text into the editor, as the browser does from the clipboard; with `toLineEnd`,
   * the caret first moves to the line's end in the same moment (before the browser reports it).
   */
  const paste = (page: Page, text: string, toLineEnd = false) =>
    editor(page).evaluate(
      (el, [words, moveFirst]) => {
        if (moveFirst) el.ownerDocument.getSelection()?.modify("move", "forward", "lineboundary");
        const data = new DataTransfer();
        data.setData("text/plain", words);
        el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      },
      [text, toLineEnd] as const,
    );

  // Under load the browser runs a key press before it reports the caret move just before it: the
  // editor reads the page's selection itself (syncSelectionFromDom), or Backspace here removed "Car".
  it("a co-sponsor edits directly while another member suggests; both see it labelled; the lead accepts one and rejects another", async () => {
    const cora = await signedIn(people.cora);
    const sam = await signedIn(people.sam);

    // The co-sponsor may choose; the other member is told they suggest.
    await cora.page.getByRole("radio", { name: "Editing" }).and(cora.page.locator(":checked")).waitFor();
    await expect.poll(() => cora.page.getByRole("radio", { name: "Suggesting" }).count()).toBe(1);
    await sam.page.getByText(/You are suggesting: your organization does not lead or co-sponsor this proposal/).waitFor();
    expect(await sam.page.getByRole("radio", { name: "Editing" }).count()).toBe(0);

    await editor(cora.page).click();
    await cora.page.keyboard.type("Care must be free.");
    await saveState(cora.page).getByText("Saved", { exact: true }).waitFor();
    await editor(sam.page).getByText("Care must be free.").waitFor();

    // Sam suggests: an insertion at the end and the deletion of the first word.
    await editor(sam.page).click();
    await sam.page.keyboard.press("Control+End");
    await sam.page.keyboard.type(" Always.");
    await sam.page.keyboard.press("Home");
    for (let i = 0; i < 4; i++) await sam.page.keyboard.press("Shift+ArrowRight");
    await sam.page.keyboard.press("Backspace");
    await saveState(sam.page).getByText("Saved", { exact: true }).waitFor();
    expect(await sam.page.getByText(/Your last edit was refused/).count()).toBe(0);

    for (const page of [sam.page, cora.page]) {
      const inserted = editor(page).locator("ins.suggestion", { hasText: "Always." });
      await inserted.waitFor();
      expect(await inserted.getAttribute("title")).toBe("Suggested insertion by Sam Suggester (East Rare Disease Forum)");
      const deleted = editor(page).locator("del.suggestion", { hasText: "Care" });
      await deleted.waitFor();
      // Struck through, not only coloured.
      expect(await deleted.evaluate((el) => getComputedStyle(el).textDecorationLine)).toContain("line-through");
      await suggestions(page).getByRole("heading", { name: "Suggestions (2)" }).waitFor();
      await suggestions(page).getByText("Sam Suggester (East Rare Disease Forum)").first().waitFor();
    }
    // The suggester may withdraw, not accept.
    expect(
      await suggestions(sam.page)
        .getByRole("button", { name: /^Accept/ })
        .count(),
    ).toBe(0);
    await suggestions(sam.page)
      .getByRole("button", { name: /^Withdraw your insertion/ })
      .waitFor();

    for (const width of [1280, 390]) {
      await sam.page.setViewportSize({ width, height: 900 });
      await expectNoAxeViolations(sam.page, `the editor with suggestions at ${width} px`);
      const overflow = await sam.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    }

    const lena = await signedIn(people.lena);
    await suggestions(lena.page).getByRole("heading", { name: "Suggestions (2)" }).waitFor();
    await expectNoAxeViolations(lena.page, "the lead's editor with suggestions");
    await suggestions(lena.page)
      .getByRole("button", { name: "Accept the insertion “ Always.” by Sam Suggester (East Rare Disease Forum)" })
      .click();
    await suggestions(lena.page).getByRole("heading", { name: "Suggestions (1)" }).waitFor();
    await suggestions(lena.page)
      .getByRole("button", { name: "Reject the deletion “Care” by Sam Suggester (East Rare Disease Forum)" })
      .click();
    for (const page of [lena.page, cora.page, sam.page]) {
      await suggestions(page).getByRole("heading", { name: "Suggestions (0)" }).waitFor();
      await expect.poll(() => textWithoutCarets(page)).toBe("Care must be free. Always.");
      expect(await editor(page).locator(".suggestion").count()).toBe(0);
    }
    for (const page of [lena.page, cora.page, sam.page]) expect(consoleErrors(page)).toEqual([]);
    await Promise.all([lena.context.close(), cora.context.close(), sam.context.close()]);
  });

  it("a comment on a selected passage is highlighted for the other person, gets a reply, and says so when its words are deleted; it is resolved", async () => {
    const cora = await signedIn(people.cora);
    const sam = await signedIn(people.sam);
    const threads = (page: Page) => page.getByRole("region", { name: /^Comments on passages/ });

    await editor(cora.page).click();
    await cora.page.keyboard.press("Control+End");
    await cora.page.keyboard.press("Enter");
    await cora.page.keyboard.type("Access must be fair.");
    await editor(sam.page).getByText("Access must be fair.").waitFor();
    for (let i = 0; i < 13; i++) await cora.page.keyboard.press("Shift+ArrowLeft");
    await threads(cora.page).getByRole("button", { name: "Comment" }).click();
    await threads(cora.page).getByLabel("Your comment on these words").fill("Is “fair” enough for @East Rare Disease Forum?");
    await threads(cora.page).getByRole("button", { name: "Add comment" }).click();
    await threads(cora.page).getByRole("heading", { name: "Comments on passages (1 open)" }).waitFor();

    // Live for the other person: highlighted and listed, without a reload.
    await editor(sam.page).locator(".commented-passage", { hasText: "must be fair." }).waitFor();
    await threads(sam.page).getByText("Is “fair” enough for @East Rare Disease Forum?").waitFor();
    // A suggestion showing as well (at the end of the first paragraph), for axe.
    await editor(sam.page).getByText("Care must be free. Always.").click();
    await sam.page.keyboard.press("End");
    await sam.page.keyboard.type(" Truly.");
    await editor(sam.page).locator("ins.suggestion", { hasText: "Truly." }).waitFor();
    await suggestions(sam.page).getByRole("heading", { name: "Suggestions (1)" }).waitFor();
    for (const width of [1280, 390]) {
      await sam.page.setViewportSize({ width, height: 900 });
      await expectNoAxeViolations(sam.page, `the editor with a comment and a suggestion at ${width} px`);
      expect(await sam.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    }
    await threads(sam.page)
      .getByLabel(/^Your reply/)
      .fill("Free at the point of use.");
    await threads(sam.page)
      .getByRole("button", { name: /^Reply/ })
      .click();
    await threads(cora.page).getByText("Free at the point of use.").waitFor();

    // The co-sponsor deletes the passage: the thread says its words were removed and shows them.
    await editor(cora.page).click();
    await cora.page.keyboard.press("Control+End");
    for (let i = 0; i < 14; i++) await cora.page.keyboard.press("Shift+ArrowLeft");
    await cora.page.keyboard.press("Backspace");
    await expect.poll(() => textWithoutCarets(sam.page), { timeout: 10_000 }).not.toContain("fair");
    for (const page of [cora.page, sam.page]) {
      await threads(page).getByText("This comment was on text that was removed:").waitFor();
      await threads(page).getByText("must be fair.", { exact: true }).waitFor();
    }
    await threads(cora.page)
      .getByRole("button", { name: /^Resolve/ })
      .click();
    for (const page of [cora.page, sam.page]) {
      await threads(page).getByRole("heading", { name: "Comments on passages (0 open)" }).waitFor();
      await threads(page)
        .getByText(/^Resolved by Cora Cosponsor/)
        .waitFor();
    }
    for (const page of [cora.page, sam.page]) expect(consoleErrors(page)).toEqual([]);
    await Promise.all([cora.context.close(), sam.context.close()]);
  });

  it("the history page marks who changed what and shows one organization's changes alone (without JavaScript)", async () => {
    const lena = await signedIn(people.lena);
    await lena.page.getByLabel("Version name").fill("Before the afternoon");
    await lena.page.getByRole("button", { name: "Save version" }).click();
    await lena.page.getByText(/“Before the afternoon” was saved/).waitFor();
    await editor(lena.page).and(lena.page.locator("[contenteditable=true]")).waitFor();
    await saveState(lena.page).getByText("Saved", { exact: true }).waitFor();
    const cora = await signedIn(people.cora);
    await editor(cora.page).click();
    await cora.page.keyboard.press("Control+End");
    await cora.page.keyboard.type(" Cora adds this.");
    await saveState(cora.page).getByText("Saved", { exact: true }).waitFor();
    await editor(lena.page)
      .getByText(/Cora adds this\./)
      .waitFor();
    await editor(lena.page).click();
    await lena.page.keyboard.press("Control+Home");
    await lena.page.keyboard.type("Lena adds this. ");
    await saveState(lena.page).getByText("Saved", { exact: true }).waitFor();

    // The page and its filter work without JavaScript.
    const context = await newPersonContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Email").fill(people.sam);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/app");
    await page.goto(`${server.url}/app/proposals/${proposalId}/history`);
    const difference = page.locator(".diff");
    await difference.getByText("(added by Cora Cosponsor, South Care Alliance)").waitFor();
    await difference.getByText("(added by Lena Lead, North Patients Network)").waitFor();
    expect(await page.getByRole("list", { name: "Who changed what" }).getByRole("listitem").allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^North Patients Network \(Lena Lead\): 3 words added/),
        expect.stringMatching(/^South Care Alliance \(Cora Cosponsor\): 3 words added/),
      ]),
    );

    await page.getByLabel("Show changes by").selectOption({ label: "South Care Alliance" });
    await page.getByRole("button", { name: "Compare" }).click();
    await page.waitForURL(/organization=/);
    await page.getByText("Showing only the changes by South Care Alliance").waitFor();
    await difference.getByText("(added by Cora Cosponsor, South Care Alliance)").waitFor();
    expect(await difference.getByText(/by Lena Lead/).count()).toBe(0);
    expect(await difference.locator("ins", { hasText: "Lena adds this." }).count()).toBe(0);
    await difference.getByText(/Lena adds this\./).waitFor();
    // axe runs in a page with JavaScript (it is a script), on the same two comparisons.
    for (const url of [page.url(), page.url().replace(/&?organization=[^&]*/, "")]) {
      await lena.page.goto(url);
      await lena.page.locator(".diff").waitFor();
      for (const width of [1280, 390]) {
        await lena.page.setViewportSize({ width, height: 900 });
        await expectNoAxeViolations(lena.page, `the history page at ${width} px (${url})`);
        expect(await lena.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      }
    }
    for (const p of [lena.page, cora.page, page]) expect(consoleErrors(p)).toEqual([]);
    await Promise.all([lena.context.close(), cora.context.close(), context.close()]);
  });

  it("changes since you last looked: who changed what, stepped through with the keyboard", async () => {
    const sam = await signedIn(people.sam);
    const cora = await signedIn(people.cora);
    await editor(cora.page).click();
    await cora.page.keyboard.press("Control+End");
    await cora.page.keyboard.type(" Since Sam looked.");
    await saveState(cora.page).getByText("Saved", { exact: true }).waitFor();
    await editor(sam.page)
      .getByText(/Since Sam looked\./)
      .waitFor();

    await sam.page.reload();
    const since = sam.page.getByRole("region", { name: "Changes since you last looked" });
    await since.getByText(/: 1 change by Cora Cosponsor \(South Care Alliance\)\./).waitFor();
    const item = since.getByRole("listitem");
    expect(await item.count()).toBe(1);
    expect(await item.first().textContent()).toContain("Added by Cora Cosponsor (South Care Alliance):");
    await item.first().locator("ins", { hasText: "Since Sam looked." }).waitFor();
    await expectNoAxeViolations(sam.page, "the proposal page with changes since the last look");

    // Keyboard alone: Next change moves focus to the change and says where it is.
    await since.getByRole("button", { name: "Next change" }).focus();
    await sam.page.keyboard.press("Enter");
    await expect.poll(() => sam.page.evaluate(() => document.activeElement?.textContent ?? "")).toContain("Change 1 of 1: Added by Cora");
    await since.getByRole("status").getByText("Change 1 of 1").waitFor();
    await sam.page.keyboard.press("ArrowDown");
    await expect.poll(() => sam.page.evaluate(() => document.activeElement?.tagName)).toBe("LI");

    // Looked again with nothing new: it says so.
    await sam.page.reload();
    await since.getByText(/Nothing in the text changed since you last looked/).waitFor();
    for (const page of [sam.page, cora.page]) expect(consoleErrors(page)).toEqual([]);
    await Promise.all([sam.context.close(), cora.context.close()]);
  });

  it("the toolbar is used with the keyboard alone: one Tab stop, arrow keys, shortcuts named", async () => {
    const lena = await signedIn(people.lena);
    const toolbar = lena.page.getByRole("toolbar", { name: "Formatting" });
    expect(await toolbar.getByRole("button", { name: "Bold" }).getAttribute("title")).toBe("Bold (Ctrl+B)");
    expect(await toolbar.getByRole("button", { name: "Heading", exact: true }).getAttribute("title")).toBe("Heading (type ## and a space)");
    await editor(lena.page).click();
    await lena.page.keyboard.press("Control+End");
    await lena.page.keyboard.press("Enter");
    await lena.page.keyboard.type("Keyboard words");
    await lena.page.keyboard.press("Control+a");
    // Into the toolbar with one Shift+Tab, to Italic with an arrow key, pressed with Enter.
    await lena.page.keyboard.press("Shift+Tab");
    await expect.poll(() => lena.page.evaluate(() => document.activeElement?.textContent)).toBe("Bold");
    await lena.page.keyboard.press("ArrowRight");
    await expect.poll(() => lena.page.evaluate(() => document.activeElement?.textContent)).toBe("Italic");
    await lena.page.keyboard.press("Enter");
    await editor(lena.page).locator("em", { hasText: "Keyboard words" }).waitFor();
    await expect.poll(() => toolbar.getByRole("button", { name: "Italic" }).getAttribute("aria-pressed")).toBe("true");
    // The command returns to the text; Shift+Tab comes back to the button last used (one Tab stop).
    await expect.poll(() => lena.page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Proposal text");
    await lena.page.keyboard.press("Shift+Tab");
    await expect.poll(() => lena.page.evaluate(() => document.activeElement?.textContent)).toBe("Italic");
    const focused = () => lena.page.evaluate(() => document.activeElement?.textContent);
    await lena.page.keyboard.press("End");
    await expect.poll(focused).toBe("More");
    expect(await toolbar.getByRole("button", { name: "More" }).getAttribute("aria-expanded")).toBe("false");
    expect(await toolbar.getByRole("button", { name: "Table" }).count()).toBe(0);
    // More shows the less used commands, in the same arrow-key row.
    await lena.page.keyboard.press("Enter");
    await expect.poll(() => toolbar.getByRole("button", { name: "More" }).getAttribute("aria-expanded")).toBe("true");
    await lena.page.keyboard.press("ArrowRight");
    await expect.poll(focused).toBe("Subheading");
    await lena.page.keyboard.press("End");
    await expect.poll(focused).toBe("Table");
    await lena.page.keyboard.press("Home");
    await expect.poll(focused).toBe("Bold");
    await lena.page.keyboard.press("Tab");
    await expect.poll(() => lena.page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Proposal text");

    // A link, with the keyboard: the inline dialog's labelled field, then Remove.
    await lena.page.keyboard.press("Control+End");
    await lena.page.keyboard.press("Enter");
    await lena.page.keyboard.type("Our site");
    for (let i = 0; i < 8; i++) await lena.page.keyboard.press("Shift+ArrowLeft");
    await lena.page.keyboard.press("Shift+Tab");
    await lena.page.keyboard.press("Home");
    for (let i = 0; i < 3; i++) await lena.page.keyboard.press("ArrowRight");
    await expect.poll(focused).toBe("Link");
    await lena.page.keyboard.press("Enter");
    const dialog = lena.page.getByRole("dialog", { name: "Add a link" });
    await expect.poll(() => lena.page.evaluate(() => document.activeElement?.id)).toBe("link-address");
    await lena.page.keyboard.type("javascript:alert(1)");
    await lena.page.keyboard.press("Enter");
    await dialog.getByRole("alert").getByText("Links must start with https://, http:// or mailto:.").waitFor();
    await dialog.getByLabel("Link address").fill("https://example.org/care");
    await expectNoAxeViolations(lena.page, "the link dialog");
    await lena.page.keyboard.press("Enter");
    await editor(lena.page).locator('a[href="https://example.org/care"]', { hasText: "Our site" }).waitFor();
    expect(await dialog.count()).toBe(0);
    await expect.poll(() => lena.page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Proposal text");
    // Opened again at the link: it shows the address and offers Remove; Escape closes it.
    await lena.page.keyboard.press("End");
    await lena.page.keyboard.press("ArrowLeft");
    await lena.page.keyboard.press("ArrowLeft");
    await toolbar.getByRole("button", { name: "Link" }).click();
    const change = lena.page.getByRole("dialog", { name: "Change the link" });
    await change.getByText("Links to").getByRole("link", { name: "https://example.org/care" }).waitFor();
    expect(await change.getByLabel("Link address").inputValue()).toBe("https://example.org/care");
    await lena.page.keyboard.press("Escape");
    expect(await change.count()).toBe(0);
    await toolbar.getByRole("button", { name: "Link" }).click();
    await change.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => editor(lena.page).locator('a[href="https://example.org/care"]').count()).toBe(0);
    await editor(lena.page).getByText("Our site").waitFor();

    // At 390 px the toolbar fits on one row (More closed) and the page does not scroll sideways.
    await toolbar.getByRole("button", { name: "More" }).click();
    await lena.page.setViewportSize({ width: 390, height: 844 });
    const tops = await toolbar.getByRole("button").evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).offsetTop));
    expect(new Set(tops).size).toBe(1);
    expect(await lena.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(consoleErrors(lena.page)).toEqual([]);
    await lena.context.close();
  });

  it("an address typed or pasted becomes a link; a table is filled with Tab, grows a row at its end and is removed", async () => {
    const lena = await signedIn(people.lena);
    const page = lena.page;
    const toolbar = page.getByRole("toolbar", { name: "Formatting" });
    await editor(page).click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    // A space or a new line after an address links it; trailing punctuation stays text.
    await page.keyboard.type("See https://example.org/plan, www.example.net and office@example.org ");
    await page.keyboard.press("Enter");
    await editor(page)
      .locator('a[href="https://example.org/plan"]', { hasText: /^https:\/\/example\.org\/plan$/ })
      .waitFor();
    await editor(page).locator('a[href="https://www.example.net"]', { hasText: "www.example.net" }).waitFor();
    await editor(page).locator('a[href="mailto:office@example.org"]', { hasText: "office@example.org" }).waitFor();
    // Text typed right after a link is not part of it; words that only look like addresses are not linked.
    await page.keyboard.type("javascript:alert(1) localhost next");
    await page.keyboard.press("Enter");
    expect(await editor(page).locator("a").count()).toBe(3);
    // An address pasted over selected words links them.
    await page.keyboard.type("Our plan");
    for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+ArrowLeft");
    await paste(page, "https://example.org/our-plan");
    await editor(page)
      .locator('a[href="https://example.org/our-plan"]', { hasText: /^plan$/ })
      .waitFor();
    // Pasted text with an address in it: the address is linked, the words around it are not. The
    // caret moves to the line's end and the paste comes in the same moment, before the browser
    // reports the move (a paste from the menu has no key press before it): the editor reads the
    // page's caret first, so the paste does not replace "plan", still selected a moment before.
    await paste(page, " Read https://example.org/more today", true);
    await editor(page)
      .locator('a[href="https://example.org/more"]', { hasText: /^https:\/\/example\.org\/more$/ })
      .waitFor();

    // A table from the toolbar: a header row and two rows of three cells, Tab from cell to cell.
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await toolbar.getByRole("button", { name: "More" }).click();
    await toolbar.getByRole("button", { name: "Table" }).click();
    const table = editor(page).locator("table");
    await table.waitFor();
    expect(await table.locator("tr").count()).toBe(3);
    expect(await table.locator("tr").first().locator("th").count()).toBe(3);
    for (const word of ["Need", "Who", "When", "Chairs", "Plans", "Now", "Ramps", "Towns", "Soon"]) {
      await page.keyboard.type(word);
      await page.keyboard.press("Tab");
    }
    // Tab in the last cell added a fourth row, and the caret is in its first cell.
    expect(await table.locator("tr").count()).toBe(4);
    await page.keyboard.type("Lifts");
    expect(await table.locator("tr").nth(3).locator("td").first().textContent()).toBe("Lifts");
    // Shift+Tab selects the cell before (as Tab does the next): End keeps its words.
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("End");
    await page.keyboard.type(" again");
    expect(await table.locator("tr").nth(2).locator("td").last().textContent()).toBe("Soon again");
    expect(await table.locator("th").allTextContents()).toEqual(["Need", "Who", "When"]);
    await saveState(page).getByText("Saved", { exact: true }).waitFor();
    await toolbar.getByRole("button", { name: "Remove table" }).click();
    await expect.poll(() => table.count()).toBe(0);
    await editor(page).getByText("Our plan").waitFor();
    expect(consoleErrors(page)).toEqual([]);
    await lena.context.close();

    // A suggester's address stays words, suggested like any other: a link cannot be suggested.
    const sam = await signedIn(people.sam);
    await editor(sam.page).click();
    await sam.page.keyboard.press("Control+End");
    await sam.page.keyboard.type(" see www.example.com ");
    await editor(sam.page).locator("ins.suggestion", { hasText: "see www.example.com" }).waitFor();
    expect(await editor(sam.page).locator('a[href="https://www.example.com"]').count()).toBe(0);
    expect(await sam.page.getByText("cannot be suggested").count()).toBe(0);
    await saveState(sam.page).getByText("Saved", { exact: true }).waitFor();
    expect(consoleErrors(sam.page)).toEqual([]);
    await sam.context.close();
  });
});
