import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { TestClient } from "../support/http";
import { makePerson, signIn } from "../support/factories";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("smoke", () => {
  it("serves the home page with the coalition's name", async () => {
    const client = new TestClient(server.url);
    const res = await client.get("/");
    expect(res.status).toBe(200);
    expect(res.text).toContain("Patient CARE Working Table");
  });

  it("signs a convener in", async () => {
    const person = await makePerson(server.database.db, { role: "convener" });
    const client = new TestClient(server.url);
    const res = await signIn(client, person.email);
    expect(res.status).toBe(302);
    const dash = await client.get("/app");
    expect(dash.status).toBe(200);
    expect(dash.text).toContain("Dashboard");
  });
});
