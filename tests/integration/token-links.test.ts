import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOneTimeToken } from "../../db/queries/one-time-tokens";
import { oneTimeTokens, people } from "../../db/schema";
import { makeOrganization, makePerson, TEST_PASSWORD, unique } from "../support/factories";
import { postFrom } from "../support/from-address";
import { TestClient } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

const UNKNOWN = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

describe("setup, invitation and password-reset links", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  async function invitation() {
    const organization = await makeOrganization(server.database.db);
    const email = `${unique("invited")}@example.org`;
    const { token, row } = await createOneTimeToken(server.database.db, { purpose: "invitation", email, organizationId: organization.id });
    return { token, row, email };
  }

  async function resetLink() {
    const person = await makePerson(server.database.db);
    const { token, row } = await createOneTimeToken(server.database.db, {
      purpose: "password_reset",
      personId: person.id,
      email: person.email,
    });
    return { token, row, person };
  }

  const expire = (id: string) =>
    server.database.db
      .update(oneTimeTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oneTimeTokens.id, id));
  const markUsed = (id: string) => server.database.db.update(oneTimeTokens).set({ usedAt: new Date() }).where(eq(oneTimeTokens.id, id));

  it("answer 404 for a setup link that was never issued, on GET and POST, with the page's message", async () => {
    const client = new TestClient(server.url);
    for (const path of ["/setup?token=wrong", "/setup"]) {
      const page = await client.get(path);
      expect(page.status, path).toBe(404);
      expect(page.text).toContain("This setup link is not valid");
      expect(page.text).not.toContain("Create convener account");
    }
    const email = `${unique("setup")}@example.org`;
    const post = await client.post("/setup", { token: "wrong", name: "Mallory", email, password: TEST_PASSWORD });
    expect(post.status).toBe(404);
    expect(post.text).toContain("This setup link is not valid");
    // A short password with a wrong token is still "not found", not a form error.
    expect((await client.post("/setup", { token: "wrong", name: "M", email, password: "short" })).status).toBe(404);
    expect(await server.database.db.select().from(people).where(eq(people.email, email))).toEqual([]);
  });

  it("answer 404 for an unknown invitation or reset link, on GET and POST", async () => {
    const client = new TestClient(server.url);
    for (const [path, words] of [
      [`/invite/${UNKNOWN}`, "This invitation link is not valid"],
      [`/reset/${UNKNOWN}`, "This password-reset link is not valid"],
    ] as const) {
      const page = await client.get(path);
      expect(page.status, path).toBe(404);
      expect(page.text).toContain(words);
      const post = await client.post(path, { name: "X", password: TEST_PASSWORD });
      expect(post.status, path).toBe(404);
      expect(post.text).toContain(words);
      expect((await client.post(path, { name: "", password: "" })).status, `${path} with empty fields`).toBe(404);
    }
  });

  it("answer 410 for a used or expired invitation, on GET and POST, creating nobody", async () => {
    const client = new TestClient(server.url);
    const used = await invitation();
    await markUsed(used.row.id);
    const expired = await invitation();
    await expire(expired.row.id);
    for (const [link, words] of [
      [used, "already been used"],
      [expired, "has expired"],
    ] as const) {
      const page = await client.get(`/invite/${link.token}`);
      expect(page.status).toBe(410);
      expect(page.text).toContain(words);
      const post = await client.post(`/invite/${link.token}`, { name: "Late", password: TEST_PASSWORD });
      expect(post.status).toBe(410);
      expect(post.text).toContain(words);
      expect(await server.database.db.select().from(people).where(eq(people.email, link.email))).toEqual([]);
    }
  });

  it("answer 410 for a used or expired reset link, on GET and POST, changing no password", async () => {
    const client = new TestClient(server.url);
    const used = await resetLink();
    await markUsed(used.row.id);
    const expired = await resetLink();
    await expire(expired.row.id);
    for (const [link, words] of [
      [used, "already been used"],
      [expired, "has expired"],
    ] as const) {
      const page = await client.get(`/reset/${link.token}`);
      expect(page.status).toBe(410);
      expect(page.text).toContain(words);
      const post = await client.post(`/reset/${link.token}`, { password: "a brand new passphrase" });
      expect(post.status).toBe(410);
      const [after] = await server.database.db.select().from(people).where(eq(people.id, link.person.id));
      expect(after!.passwordHash).toBe(link.person.passwordHash);
    }
  });

  it("answer 200 for a valid link", async () => {
    const client = new TestClient(server.url);
    expect((await client.get(`/invite/${(await invitation()).token}`)).status).toBe(200);
    expect((await client.get(`/reset/${(await resetLink()).token}`)).status).toBe(200);
  });

  it("limit posts per address, before any token or password work, and only for that address", async () => {
    const from = "127.0.5.2";
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const path = [`/reset/${UNKNOWN}`, `/invite/${UNKNOWN}`, "/setup"][i % 3]!;
      statuses.push(
        (await postFrom(from, server.url, path, { token: "wrong", name: "X", email: "x@example.org", password: TEST_PASSWORD })).status,
      );
    }
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses[20]).toBe(429);
    // Even a valid link is refused from that address for a while …
    const link = await resetLink();
    const refused = await postFrom(from, server.url, `/reset/${link.token}`, { password: "a brand new passphrase" });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("Too many attempts from your connection");
    // … and works from another.
    const done = await postFrom("127.0.5.3", server.url, `/reset/${link.token}`, { password: "a brand new passphrase" });
    expect(done.status).toBe(302);
  });
});
