import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPageAs } from "../support/browser";
import * as Y from "yjs";
import { makePerson, setWebsite, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal, paragraph } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";

async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false }).promise;
  const parts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    parts.push(content.items.map((item) => ("str" in item ? item.str : "")).join(" "));
  }
  return parts.join("\n");
}

describeE2E("publishing a position, and a reader finding it", () => {
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

  it("goes from the convener's Publish position to a reader's search, with and without JavaScript, and prints", async () => {
    const db = server.database.db;
    const convener = await makePerson(db, { role: "convener" });
    const admin = new TestClient(server.url);
    await signInAs(db, admin, convener.id);
    const { roundId, endorser } = await adoptProposal(server, admin, {
      title: "Wheelchair repair",
      endorserName: "United Spinal Network",
      build: (f) => {
        const heading = new Y.XmlElement("heading");
        heading.setAttribute("level", 2 as never);
        const words = new Y.XmlText();
        words.insert(0, "What we ask for");
        heading.insert(0, [words]);
        const link = paragraph("Read the repair survey.", { link: { href: "https://survey.example.org/repairs" } });
        f.insert(0, [heading, paragraph("Insurers should cover timely repair of power wheelchairs."), link]);
      },
    });
    await setWebsite(db, endorser.id, "https://unitedspinal.example.org");

    const page = await newPageAs(browser, server, { personId: convener.id });
    await page.goto(`${server.url}/app/rounds/${roundId}/publish`);
    await page.getByRole("heading", { level: 1, name: "Publish position" }).waitFor();
    await page.getByLabel("Public title").fill("Fast repair of power wheelchairs");
    // The reading grade follows the typing, as a whole grade with a word.
    await page
      .getByLabel("Plain-language summary")
      .fill(
        "Notwithstanding considerable heterogeneity in reimbursement methodologies, comprehensive coverage determinations should incorporate multidisciplinary rehabilitative interventions.",
      );
    await page.getByText(/^Grade \d+: (hard|very hard)\. Aim for 8 or below\.$/).waitFor();
    await page
      .getByLabel("Plain-language summary")
      .fill("When a wheelchair breaks, people are stuck at home. Plans should pay for quick repairs.");
    await page.getByText(/^Grade [0-8]: (easy|plain)\. At or below grade 8, as aimed for\.$/).waitFor();
    await expectNoAxeViolations(page, "the publish form");
    await page.getByRole("button", { name: "Publish position" }).click();
    await page.getByText("The position is published.").waitFor();
    // The link to the public page reads as the position's title.
    await page.getByRole("link", { name: "Fast repair of power wheelchairs" }).waitFor();
    await expectNoAxeViolations(page, "the position's convener page");
    expect(consoleErrors(page)).toEqual([]);

    for (const javaScriptEnabled of [false, true]) {
      const reader = await newPageAs(browser, server, { javaScriptEnabled });
      // axe runs in the page, so it needs JavaScript; public pages ship none, so the pages checked
      // with it on are the same pages a reader without JavaScript gets.
      const axe = (where: string) => (javaScriptEnabled ? expectNoAxeViolations(reader, where) : Promise.resolve());
      await reader.goto(`${server.url}/positions`);
      await axe("/positions");
      await reader.getByLabel("Search positions").fill("wheelchairs");
      await reader.getByRole("button", { name: "Search" }).click();
      await reader.getByText("1 position found for “wheelchairs”").waitFor();
      await axe("search results");
      await reader.getByRole("link", { name: "Fast repair of power wheelchairs" }).click();
      await reader.getByRole("heading", { level: 1, name: "Fast repair of power wheelchairs" }).waitFor();
      // Endorsers: a plain list of names, linked to their sites.
      const endorsers = reader.getByRole("list").filter({ has: reader.getByRole("link", { name: "United Spinal Network" }) });
      expect(await endorsers.getByRole("link", { name: "United Spinal Network" }).getAttribute("href")).toBe(
        "https://unitedspinal.example.org",
      );
      expect(await reader.getByText("Insurers should cover timely repair of power wheelchairs.").count()).toBe(1);
      // The text's own headings sit one level below the page's sections.
      await reader.getByRole("heading", { level: 2, name: "The position" }).waitFor();
      await reader.getByRole("heading", { level: 3, name: "What we ask for" }).waitFor();
      // Proof on request: the hashes are inside "How to verify this text", which opens without JavaScript.
      expect(await reader.getByText("Fingerprint of the text:").isVisible()).toBe(false);
      await reader.getByText("How to verify this text").click();
      await reader.getByText("Fingerprint of the text:").waitFor();
      expect(await reader.getByRole("link", { name: "Data for developers" }).count()).toBe(1);
      await axe("the position page");
      expect(consoleErrors(reader)).toEqual([]);
    }

    // At a phone's width the hashes are two even lines each, and nothing scrolls sideways.
    const phone = await newPageAs(browser, server);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${server.url}/positions/fast-repair-of-power-wheelchairs`);
    await phone.getByText("How to verify this text").click();
    const lines = await phone.locator("code.hash").evaluateAll((codes) =>
      codes.map((code) => {
        const range = document.createRange();
        range.selectNodeContents(code);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      }),
    );
    expect(lines).toEqual([2, 2]);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(phone, "the position page at 390 px, verification open");

    const address = `${server.url}/positions/fast-repair-of-power-wheelchairs`;
    const printer = await newPageAs(browser, server);
    await printer.goto(address);
    await printer.emulateMedia({ media: "print" });
    expect(await printer.getByRole("navigation", { name: "Main" }).isVisible()).toBe(false);
    const text = await pdfText(await printer.pdf({ format: "Letter", printBackground: false }));
    const squeezed = text.replace(/\s+/g, "");
    expect(text).toContain("Fast repair of power wheelchairs");
    expect(text).toContain("Patient CARE Working Table");
    expect(squeezed).toContain(address.replace(/\s+/g, ""));
    expect(text).toMatch(/Adopted\s+[A-Z][a-z]+ \d{1,2}, \d{4}/);
    expect(text).toMatch(/Published\s+[A-Z][a-z]+ \d{1,2}, \d{4}/);
    expect(text).toContain("patientcare@example.org");
    expect(text).toContain("United Spinal Network");
    // Link addresses follow their text on paper.
    expect(squeezed).toContain("UnitedSpinalNetwork(https://unitedspinal.example.org)");
    expect(squeezed).toContain("Readtherepairsurvey.(https://survey.example.org/repairs)");
    // No navigation: neither the site's menu nor "All positions", nor the proof on request.
    for (const words of ["Member sign in", "All positions", "Home", "Join", "How to verify this text", "Skip to main content"]) {
      expect(text, words).not.toContain(words);
    }
  });
});
