import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { consoleErrors, describeE2E, expectNoAxeViolations, launchChromium, newPageAs } from "../support/browser";
import { makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal } from "../support/rounds";
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
    const { roundId } = await adoptProposal(server, admin, {
      title: "Wheelchair repair",
      text: "Insurers should cover timely repair of power wheelchairs.",
      endorserName: "United Spinal Network",
    });

    const page = await newPageAs(browser, server, { personId: convener.id });
    await page.goto(`${server.url}/app/rounds/${roundId}/publish`);
    await page.getByRole("heading", { level: 1, name: "Publish position" }).waitFor();
    await page.getByLabel("Public title").fill("Fast repair of power wheelchairs");
    await page
      .getByLabel("Plain-language summary")
      .fill("When a wheelchair breaks, people are stuck at home. Plans should pay for quick repairs.");
    // The reading grade follows the typing.
    await page.getByText(/^Grade [0-8]: (easy|plain)\. At or below grade 8, as aimed for\.$/).waitFor();
    await expectNoAxeViolations(page, "the publish form");
    await page.getByRole("button", { name: "Publish position" }).click();
    await page.getByText("The position is published.").waitFor();
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
      expect(await reader.getByText("United Spinal Network").count()).toBe(1);
      expect(await reader.getByText("Insurers should cover timely repair of power wheelchairs.").count()).toBe(1);
      await axe("the position page");
      expect(consoleErrors(reader)).toEqual([]);
    }

    const printer = await newPageAs(browser, server);
    await printer.goto(`${server.url}/positions/fast-repair-of-power-wheelchairs`);
    await printer.emulateMedia({ media: "print" });
    expect(await printer.getByRole("navigation", { name: "Main" }).isVisible()).toBe(false);
    const text = await pdfText(await printer.pdf({ format: "Letter", printBackground: false }));
    expect(text).toContain("Fast repair of power wheelchairs");
    expect(text).toContain("United Spinal Network");
  });
});
