import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProposal } from "../support/collab";
import { makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";

/*
 * Search text with characters PostgreSQL refuses in a text value (NUL) is searched as "no match",
 * never a 500: db/search-text.ts prepares every search.
 */
let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer({ roundScheduler: false });
  const convener = await makePerson(server.database.db, { role: "convener" });
  admin = new TestClient(server.url);
  await signInAs(server.database.db, admin, convener.id);
  const { roundId } = await adoptProposal(server, admin, { title: "Prosthetic care", text: "Cover prosthetic care for every amputee." });
  const published = await admin.post(`/app/rounds/${roundId}/publish`, {
    releaseAt: "",
    title: "Coverage for prosthetic care",
    summary: "Health plans should pay for artificial limbs. People need them to walk and work.",
  });
  expect(published.status).toBe(302);
  await makeProposal(server.database.db, { title: "Wheelchair repair" });
});
afterAll(() => server?.close());

describe("a search holding NUL", () => {
  it.each(["%00", "%00%00", "%00%25"])("is no match, not a 500, on /positions and /api/positions: q=%s", async (q) => {
    const page = await new TestClient(server.url).get(`/positions?q=${q}`);
    expect(page.status).toBe(200);
    const api = await new TestClient(server.url).get(`/api/positions?q=${q}`);
    expect(api.status).toBe(200);
    const json = JSON.parse(api.text) as { total: number };
    // A NUL glued to a word hides that word: nothing matches.
    expect(json.total).toBe(0);
    expect(page.text).toContain("0 positions found");
  });

  it.each(["artificial%20%00%20limbs", "prosthetic%00", "%00prosthetic"])("still finds the words around it: q=%s", async (q) => {
    const api = await new TestClient(server.url).get(`/api/positions?q=${q}`);
    expect(api.status).toBe(200);
    expect((JSON.parse(api.text) as { total: number }).total).toBe(1);
    expect((await new TestClient(server.url).get(`/positions?q=${q}`)).text).toContain("1 position found");
  });

  it.each(["%00", "%00%00", "%00%25_"])("is no match in the workspace's proposal list: q=%s", async (q) => {
    const page = await admin.get(`/app/proposals?q=${q}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("Wheelchair repair");
    expect(page.text).not.toContain("Prosthetic care");
  });
});

describe("a search in the workspace's proposal list", () => {
  it("finds the words around a NUL", async () => {
    const page = await admin.get("/app/proposals?q=wheelchair%00");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Wheelchair repair");
  });
});
