import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../db/tokens";
import { issueSetupToken } from "../../db/queries/setup";
import { auditEvents, oneTimeTokens, organizations, outbox, people, sessions } from "../../db/schema";
import { makeOrganization, makePerson, signIn, TEST_PASSWORD, unique } from "../support/factories";
import { TestClient } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

describe("the first convener's setup link", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("works once, and no setup link works once a convener exists", async () => {
    const db = server.database.db;
    const stale = await issueSetupToken(db);
    const token = await issueSetupToken(db);
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(stale).not.toBe(token);

    const client = new TestClient(server.url);
    const page = await client.get(`/setup?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Create convener account");

    // An earlier link stopped working when a new one was made.
    const old = await client.get(`/setup?token=${stale}`);
    expect(old.status).toBe(410);
    expect(old.text).toContain("This setup link is not valid");

    const created = await client.post("/setup", { token: token!, name: "Ada Convener", email: "ada@example.org", password: TEST_PASSWORD });
    expect(created.status).toBe(302);
    expect(created.location).toBe("/app");
    expect((await client.get("/app")).status).toBe(200);
    const [ada] = await db.select().from(people).where(eq(people.email, "ada@example.org"));
    expect(ada?.role).toBe("convener");

    const again = await new TestClient(server.url).post("/setup", {
      token: token!,
      name: "Mallory",
      email: "mallory@example.org",
      password: TEST_PASSWORD,
    });
    expect(again.status).toBe(410);
    expect(again.text).toContain("This setup link is not valid");
    expect(await db.select().from(people).where(eq(people.email, "mallory@example.org"))).toEqual([]);

    expect(await issueSetupToken(db)).toBeNull();
    const used = await new TestClient(server.url).get(`/setup?token=${token}`);
    expect(used.status).toBe(410);
    expect(used.text).toContain("This setup link is not valid");
  });
});

describe("accounts", () => {
  let server: TestServer;
  let convener: Awaited<ReturnType<typeof makePerson>>;
  let admin: TestClient;

  beforeAll(async () => {
    server = await startTestServer();
    convener = await makePerson(server.database.db, { role: "convener" });
    admin = new TestClient(server.url);
    await signIn(admin, convener.email);
  });
  afterAll(() => server?.close());

  async function invite(email: string, organizationId: string, canVote = true): Promise<string> {
    const res = await admin.post("/app/people", {
      intent: "invite",
      email,
      name: "",
      organizationId,
      ...(canVote ? { canVote: "on" } : {}),
    });
    expect(res.status).toBe(200);
    const link = res.text.match(/http:\/\/127\.0\.0\.1:\d+\/invite\/([a-z2-7]{32})/);
    expect(link, "the invitation link is shown to the convener").not.toBeNull();
    return link![1]!;
  }

  describe("invitations", () => {
    it("are accepted once, mailed to the person, and sign the new representative in", async () => {
      const db = server.database.db;
      const organization = await makeOrganization(db);
      const email = `${unique("rep")}@example.org`;
      const token = await invite(email, organization.id);

      const [mail] = await db.select().from(outbox).where(eq(outbox.toAddress, email));
      expect(mail?.status).toBe("kept");
      expect(mail?.body).toContain(`/invite/${token}`);

      const rep = new TestClient(server.url);
      const page = await rep.get(`/invite/${token}`);
      expect(page.text).toContain(organization.name);
      const accepted = await rep.post(`/invite/${token}`, { name: "Rita Rep", password: TEST_PASSWORD });
      expect(accepted.status).toBe(302);
      const dashboard = await rep.get("/app");
      expect(dashboard.status).toBe(200);
      expect(dashboard.text).toContain("Rita Rep");
      const [person] = await db.select().from(people).where(eq(people.email, email));
      expect(person).toMatchObject({ role: "representative", organizationId: organization.id, canVote: true });

      const reused = await new TestClient(server.url).post(`/invite/${token}`, { name: "Again", password: TEST_PASSWORD });
      expect(reused.status).toBe(410);
      expect(reused.text).toContain("already been used");
    });

    it("expire after their time", async () => {
      const db = server.database.db;
      const organization = await makeOrganization(db);
      const email = `${unique("late")}@example.org`;
      const token = await invite(email, organization.id);
      await db
        .update(oneTimeTokens)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(oneTimeTokens.tokenHash, hashToken(token)));
      const client = new TestClient(server.url);
      const page = await client.get(`/invite/${token}`);
      expect(page.status).toBe(410);
      expect(page.text).toContain("has expired");
      const res = await client.post(`/invite/${token}`, { name: "Late", password: TEST_PASSWORD });
      expect(res.status).toBe(410);
      expect(await db.select().from(people).where(eq(people.email, email))).toEqual([]);
    });

    it("refuse a wrong token", async () => {
      const client = new TestClient(server.url);
      const page = await client.get("/invite/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
      expect(page.status).toBe(404);
      expect(page.text).toContain("not valid");
      const res = await client.post("/invite/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", { name: "X", password: TEST_PASSWORD });
      expect(res.status).toBe(404);
    });

    it("are refused for an address that already has an account", async () => {
      const organization = await makeOrganization(server.database.db);
      const res = await admin.post("/app/people", { intent: "invite", email: convener.email, organizationId: organization.id });
      expect(res.status).toBe(400);
      expect(res.text).toContain("already has an account");
    });
  });

  describe("sessions", () => {
    it("store only the token's hash, and logout ends them", async () => {
      const db = server.database.db;
      const person = await makePerson(db);
      const client = new TestClient(server.url);
      await signIn(client, person.email);
      const cookie = client.cookie("care_session")!;
      expect(cookie).toMatch(/^[a-z2-7]{32}$/);
      const rows = await db.select().from(sessions).where(eq(sessions.personId, person.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.id).not.toBe(cookie);
      expect(rows[0]!.id).toBe(hashToken(cookie));

      // A GET does not log out.
      expect((await client.get("/logout")).status).toBe(302);
      expect((await client.get("/app")).status).toBe(200);

      const out = await client.post("/logout");
      expect(out.status).toBe(302);
      expect(out.headers.get("Set-Cookie")).toMatch(/Max-Age=0/);
      expect(await db.select().from(sessions).where(eq(sessions.personId, person.id))).toEqual([]);
      const replay = new TestClient(server.url);
      replay.setCookie("care_session", cookie);
      const res = await replay.get("/app");
      expect(res.status).toBe(302);
      expect(res.location).toMatch(/^\/login\?redirectTo=%2Fapp/);
    });

    it("start anew at each login", async () => {
      const person = await makePerson(server.database.db);
      const first = new TestClient(server.url);
      await signIn(first, person.email);
      const second = new TestClient(server.url);
      second.setCookie("care_session", first.cookie("care_session")!);
      await signIn(second, person.email);
      expect(second.cookie("care_session")).not.toBe(first.cookie("care_session"));
    });

    it("end at their absolute lifetime however much they are used", async () => {
      const db = server.database.db;
      const person = await makePerson(db);
      const client = new TestClient(server.url);
      await signIn(client, person.email);
      await db
        .update(sessions)
        .set({ absoluteExpiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.personId, person.id));
      expect((await client.get("/app")).status).toBe(302);
      expect(await db.select().from(sessions).where(eq(sessions.personId, person.id))).toEqual([]);
    });

    it("end at their idle lifetime", async () => {
      const db = server.database.db;
      const person = await makePerson(db);
      const client = new TestClient(server.url);
      await signIn(client, person.email);
      await db
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.personId, person.id));
      expect((await client.get("/app")).status).toBe(302);
    });

    it("all end when a convener deactivates the person, who can no longer sign in", async () => {
      const db = server.database.db;
      const person = await makePerson(db);
      const laptop = new TestClient(server.url);
      const phone = new TestClient(server.url);
      await signIn(laptop, person.email);
      await signIn(phone, person.email);
      // The first press asks, says what happens, and changes nothing.
      const ask = await admin.post(`/app/people/${person.id}`, { intent: "deactivate" });
      expect(ask.status).toBe(200);
      expect(ask.text).toContain(`Yes, deactivate ${person.name}`);
      expect(ask.text).toContain("They are signed out everywhere at once");
      expect((await laptop.get("/app")).status).toBe(200);
      const res = await admin.post(`/app/people/${person.id}`, { intent: "deactivate", confirm: "yes" });
      expect(res.status).toBe(302);
      expect((await laptop.get("/app")).status).toBe(302);
      expect((await phone.get("/app")).status).toBe(302);
      const login = await new TestClient(server.url).post("/login", { email: person.email, password: TEST_PASSWORD });
      expect(login.status).toBe(400);
      const [event] = await db
        .select()
        .from(auditEvents)
        .where(sql`${auditEvents.action} = 'person.deactivated' and ${auditEvents.subjectId} = ${person.id}`);
      expect(event?.actorId).toBe(convener.id);
    });
  });

  describe("login", () => {
    it("says the same for an unknown address and a wrong password", async () => {
      const person = await makePerson(server.database.db);
      const unknown = await new TestClient(server.url).post("/login", { email: "nobody@example.org", password: "whatever-it-is" });
      const wrong = await new TestClient(server.url).post("/login", { email: person.email, password: "wrong password!" });
      expect(unknown.status).toBe(400);
      expect(wrong.status).toBe(400);
      const message = (text: string) => text.match(/That email and password do not match[^<]*/)?.[0];
      expect(message(unknown.text)).toBeDefined();
      expect(message(unknown.text)).toBe(message(wrong.text));
      expect(wrong.text).not.toContain("wrong password!");
    });

    it("is limited per account and address, failures only", async () => {
      const person = await makePerson(server.database.db);
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        statuses.push((await new TestClient(server.url).post("/login", { email: person.email, password: "not it at all" })).status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
      expect(statuses[10]).toBe(429);
      // From this address even the right password is refused while the limit lasts (other addresses: sign-in-limits.test.ts).
      const refused = await new TestClient(server.url).post("/login", { email: person.email, password: TEST_PASSWORD });
      expect(refused.status).toBe(429);
      expect(refused.text).toContain("Too many sign-in attempts");
    });

    it("comes back to the page asked for, never to another site", async () => {
      const person = await makePerson(server.database.db);
      const ok = await new TestClient(server.url).post("/login", {
        email: person.email,
        password: TEST_PASSWORD,
        redirectTo: "/app/profile",
      });
      expect(ok.location).toBe("/app/profile");
      const evil = await new TestClient(server.url).post("/login", {
        email: person.email,
        password: TEST_PASSWORD,
        redirectTo: "//evil.example/x",
      });
      expect(evil.location).toBe("/app");
    });
  });

  describe("password resets", () => {
    it("answer /forgot the same whether the address exists, and mail only real accounts", async () => {
      const db = server.database.db;
      const person = await makePerson(db);
      const ghost = `${unique("ghost")}@example.org`;
      const a = await new TestClient(server.url).post("/forgot", { email: person.email });
      const b = await new TestClient(server.url).post("/forgot", { email: ghost });
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      const sent = (text: string) => text.match(/If an active account uses that address[^<]*/)?.[0];
      expect(sent(a.text)).toBeDefined();
      expect(sent(a.text)).toBe(sent(b.text));
      expect(await db.select().from(outbox).where(eq(outbox.toAddress, ghost))).toEqual([]);
      const mails = await db.select().from(outbox).where(eq(outbox.toAddress, person.email));
      expect(mails).toHaveLength(1);
      expect(mails[0]!.body).toMatch(/\/reset\/[a-z2-7]{32}/);
    });

    it("work once, end every session, are audited and tell the person", async () => {
      const db = server.database.db;
      const person = await makePerson(db);
      const other = new TestClient(server.url);
      await signIn(other, person.email);
      const res = await admin.post(`/app/people/${person.id}`, { intent: "reset-link" });
      expect(res.status).toBe(200);
      const token = res.text.match(/\/reset\/([a-z2-7]{32})/)![1]!;

      const client = new TestClient(server.url);
      const done = await client.post(`/reset/${token}`, { password: "a brand new passphrase" });
      expect(done.status).toBe(302);
      expect((await other.get("/app")).status).toBe(302);
      expect((await client.get("/app")).status).toBe(200);
      await signIn(new TestClient(server.url), person.email, "a brand new passphrase");

      const again = await new TestClient(server.url).post(`/reset/${token}`, { password: "yet another passphrase" });
      expect(again.status).toBe(410);

      const actions = (await db.select().from(auditEvents).where(eq(auditEvents.subjectId, person.id))).map((e) => e.action);
      expect(actions).toContain("password_reset.issued");
      expect(actions).toContain("password_reset.used");
      const told = await db.select().from(outbox).where(eq(outbox.toAddress, person.email));
      expect(told.map((m) => m.subject)).toContain("Your password was changed");
    });
  });

  describe("who may do what", () => {
    it("keeps representatives out of convener pages and actions, changing nothing", async () => {
      const db = server.database.db;
      const rep = await makePerson(db, { canVote: true });
      const client = new TestClient(server.url);
      await signIn(client, rep.email);
      for (const path of [
        "/app/organizations",
        "/app/organizations/new",
        "/app/people",
        "/app/outbox",
        "/app/audit",
        `/app/people/${convener.id}`,
      ]) {
        expect((await client.get(path)).status, path).toBe(403);
      }
      const name = unique("Sneaky");
      expect((await client.post("/app/organizations/new", { name })).status).toBe(403);
      expect(await db.select().from(organizations).where(eq(organizations.name, name))).toEqual([]);
      expect((await client.post(`/app/people/${convener.id}`, { intent: "deactivate" })).status).toBe(403);
      expect((await client.post(`/app/people/${rep.id}`, { intent: "make-convener" })).status).toBe(403);
      const [me] = await db.select().from(people).where(eq(people.id, rep.id));
      expect(me?.role).toBe("representative");
      const [them] = await db.select().from(people).where(eq(people.id, convener.id));
      expect(them?.status).toBe("active");
    });

    it("sends anonymous visitors to the login page", async () => {
      const res = await new TestClient(server.url).get("/app/people");
      expect(res.status).toBe(302);
      expect(res.location).toBe("/login?redirectTo=%2Fapp%2Fpeople");
    });

    it("answers 404 for an organization or person that does not exist", async () => {
      expect((await admin.get("/app/organizations/00000000-0000-4000-8000-000000000000")).status).toBe(404);
      expect((await admin.get("/app/organizations/not-a-uuid")).status).toBe(404);
      expect((await admin.get("/app/people/not-a-uuid")).status).toBe(404);
      expect((await admin.post("/app/people/not-a-uuid", { intent: "deactivate" })).status).toBe(404);
    });
  });

  describe("requests from another origin", () => {
    it("are refused and change nothing", async () => {
      const db = server.database.db;
      const cookie = admin.cookie("care_session")!;
      for (const origin of ["https://evil.example", null]) {
        const name = unique("Forged");
        const forged = new TestClient(server.url, origin);
        forged.setCookie("care_session", cookie);
        const res = await forged.post("/app/organizations/new", { name, votingMember: "on" });
        expect(res.status).toBe(403);
        expect(await db.select().from(organizations).where(eq(organizations.name, name))).toEqual([]);
      }
      const logout = new TestClient(server.url, "https://evil.example");
      logout.setCookie("care_session", cookie);
      expect((await logout.post("/logout")).status).toBe(403);
      expect((await admin.get("/app")).status).toBe(200);
    });
  });

  describe("organization forms", () => {
    it("add, edit, suspend and mark as left, each audited", async () => {
      const db = server.database.db;
      const name = unique("Rare Disease Alliance");
      const created = await admin.post("/app/organizations/new", {
        name,
        shortName: "RDA",
        website: "https://rda.example.org",
        description: "Advocates for people with rare diseases.",
        pillars: ["research", "access"],
        votingMember: "on",
      });
      expect(created.status).toBe(302);
      const [org] = await db.select().from(organizations).where(eq(organizations.name, name));
      expect(org).toMatchObject({ shortName: "RDA", votingMember: true, status: "active" });
      expect([...org!.pillars].sort()).toEqual(["access", "research"]);

      const edited = await admin.post(`/app/organizations/${org!.id}`, { intent: "save", name, shortName: "RDA", pillars: "equity" });
      expect(edited.status).toBe(302);
      const [after] = await db.select().from(organizations).where(eq(organizations.id, org!.id));
      expect(after).toMatchObject({ votingMember: false, pillars: ["equity"], website: null });

      const ask = await admin.post(`/app/organizations/${org!.id}`, { intent: "status", status: "suspended" });
      expect(ask.status).toBe(200);
      expect(ask.text).toContain(`Yes, suspend ${name}`);
      expect(ask.text).toMatch(/Its \d+ active (person|people) can still read/);
      expect((await db.select().from(organizations).where(eq(organizations.id, org!.id)))[0]?.status).toBe("active");
      expect((await admin.post(`/app/organizations/${org!.id}`, { intent: "status", status: "suspended", confirm: "yes" })).status).toBe(
        302,
      );
      expect((await admin.post(`/app/organizations/${org!.id}`, { intent: "status", status: "left" })).status).toBe(302);
      const actions = (await db.select().from(auditEvents).where(eq(auditEvents.subjectId, org!.id))).map((e) => e.action);
      expect(actions).toEqual([
        "organization.created",
        "organization.updated",
        "organization.status.suspended",
        "organization.status.left",
      ]);

      const list = await admin.get("/app/organizations");
      expect(list.text).toContain(name);
    });

    it.each([
      ["missing", { votingMember: "on" }, "Enter name"],
      ["too long", { name: "x".repeat(201) }, "at most 200 characters"],
      ["wrong type", { name: "Fine Name", pillars: "astrology" }, "Choose pillars from the list"],
      ["duplicate fields", { name: ["One", "Two"] }, "sent more than once"],
      [
        "a website that is not http",
        { name: "Fine Name", website: "javascript:alert(1)" },
        "must be a web address, like https://example.org",
      ],
      ["a name on two lines", { name: "Line one\r\nLine two" }, "single line"],
    ])("answer 400 and store nothing for %s input", async (_label, fields, message) => {
      const db = server.database.db;
      const before = await db.$count(organizations);
      const res = await admin.post("/app/organizations/new", fields as Record<string, string | string[]>);
      expect(res.status).toBe(400);
      expect(res.text).toContain(message);
      expect(await db.$count(organizations)).toBe(before);
    });

    it("refuse a second organization with the same name", async () => {
      const existing = await makeOrganization(server.database.db);
      const res = await admin.post("/app/organizations/new", { name: existing.name.toUpperCase() });
      expect(res.status).toBe(400);
      expect(res.text).toContain("already exists");
    });
  });

  describe("the profile", () => {
    it("changes name, time zone and password", async () => {
      const db = server.database.db;
      const person = await makePerson(db);
      const client = new TestClient(server.url);
      await signIn(client, person.email);
      expect((await client.post("/app/profile", { intent: "profile", name: "New Name", timeZone: "America/Chicago" })).status).toBe(302);
      const [row] = await db.select().from(people).where(eq(people.id, person.id));
      expect(row).toMatchObject({ name: "New Name", timeZone: "America/Chicago" });
      const bad = await client.post("/app/profile", { intent: "profile", name: "New Name", timeZone: "Mars/Olympus" });
      expect(bad.status).toBe(400);
      const wrong = await client.post("/app/profile", {
        intent: "password",
        currentPassword: "nope nope nope",
        newPassword: "another long passphrase",
      });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain("current password is not right");
      const ok = await client.post("/app/profile", {
        intent: "password",
        currentPassword: TEST_PASSWORD,
        newPassword: "another long passphrase",
      });
      expect(ok.status).toBe(302);
      expect((await client.get("/app")).status).toBe(200);
      await signIn(new TestClient(server.url), person.email, "another long passphrase");
    });
  });
});
