import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { people } from "../../db/schema";
import { makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

describe("the profile's time zone", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  async function member() {
    const person = await makePerson(server.database.db);
    const client = new TestClient(server.url);
    await signInAs(server.database.db, client, person.id);
    const row = async () => (await server.database.db.select().from(people).where(eq(people.id, person.id)))[0]!;
    return { person, client, row };
  }

  it("lets a person who never chose a zone change their name, keeping the coalition's zone", async () => {
    const { client, row } = await member();
    expect((await row()).timeZone).toBeNull();
    const page = await client.get("/app/profile");
    // The first option is the coalition's zone, with the empty value the form posts back.
    expect(page.text).toMatch(/<select[^>]*name="timeZone"[^>]*><option value="">The coalition&#x27;s zone \(/);
    expect(page.text).not.toMatch(/<option value="[^"]+" selected/);
    const saved = await client.post("/app/profile", { intent: "profile", name: "Renamed Person", timeZone: "" });
    expect(saved.status).toBe(302);
    expect(saved.location).toBe("/app/profile?saved=profile");
    expect(await row()).toMatchObject({ name: "Renamed Person", timeZone: null });
  });

  it("goes back to the coalition's zone after a zone was chosen", async () => {
    const { client, row } = await member();
    expect((await client.post("/app/profile", { intent: "profile", name: "Zoned", timeZone: "America/Chicago" })).status).toBe(302);
    expect((await row()).timeZone).toBe("America/Chicago");
    const back = await client.post("/app/profile", { intent: "profile", name: "Zoned", timeZone: "" });
    expect(back.status).toBe(302);
    expect((await row()).timeZone).toBeNull();
  });

  it("still refuses a zone that is not on the list, and a form that names no intent, changing nothing", async () => {
    const { client, row } = await member();
    const bad = await client.post("/app/profile", { intent: "profile", name: "Martian", timeZone: "Mars/Olympus" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Choose a time zone from the list");
    const none = await client.post("/app/profile", { name: "Nobody", timeZone: "" });
    expect(none.status).toBe(400);
    expect(await row()).toMatchObject({ timeZone: null });
    expect((await row()).name).not.toMatch(/Martian|Nobody/);
  });
});
