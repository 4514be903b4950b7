import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, inquiries, oneTimeTokens, organizations, outbox } from "../../db/schema";
import { makeOrganization, makePerson, signIn, unique } from "../support/factories";
import { TestClient } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/*
 * The public membership form (/join) and the conveners' work on inquiries (/app/inquiries).
 * TRUST_PROXY is on so that each test can come from its own address (X-Forwarded-For) and the
 * per-address rate limit of one test does not spill into another.
 */
let server: TestServer;
let convener: Awaited<ReturnType<typeof makePerson>>;

beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: "1" } });
  convener = await makePerson(server.database.db, { role: "convener", name: "Cora Convener" });
});
afterAll(() => server?.close());

let addressCounter = 0;
/** A client from an address of its own. */
function visitor() {
  addressCounter += 1;
  const address = `198.51.100.${addressCounter}`;
  const client = new TestClient(server.url);
  return {
    client,
    post: (fields: Record<string, string | string[]> | URLSearchParams) => client.post("/join", fields, { "X-Forwarded-For": address }),
  };
}

function validInquiry(overrides: Record<string, string | string[]> = {}) {
  return {
    name: "Pat Advocate",
    email: `${unique("pat")}@example.org`,
    organization: unique("Rare Lung Alliance"),
    kind: "patient_advocacy",
    message: "We represent 4,000 families living with rare lung disease.\n\nWe would like to join.",
    homepage: "",
    ...overrides,
  };
}

async function inquiriesFrom(email: string) {
  return server.database.db.select().from(inquiries).where(eq(inquiries.email, email));
}

async function countInquiries() {
  const [row] = await server.database.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(inquiries);
  return row!.n;
}

let signedIn: TestClient | undefined;
/** The convener's browser, signed in once (logins are rate-limited per account). */
async function convenerClient() {
  if (!signedIn) {
    signedIn = new TestClient(server.url);
    await signIn(signedIn, convener.email);
  }
  return signedIn;
}

describe("the membership inquiry form", () => {
  it("shows the form with its labels, the privacy notice and a hidden honeypot", async () => {
    const page = await visitor().client.get("/join");
    expect(page.status).toBe(200);
    for (const label of ["Name", "Email", "Organization", "Message"]) expect(page.text).toContain(`>${label}</label>`);
    expect(page.text).toContain("<legend>Kind of organization</legend>");
    expect(page.text).toContain("Patient advocacy group");
    expect(page.text).toContain("Supporting organization");
    expect(page.text).toContain(">Send inquiry</button>");
    expect(page.text).toContain("Your inquiry and your privacy");
    expect(page.text).toContain("deleted after 24 months");
    expect(page.text).toMatch(/<div class="hp" aria-hidden="true">.*name="homepage" tabindex="-1"/s);
  });

  it("stores a valid inquiry, tells every convener by mail, and shows the confirmation page", async () => {
    const second = await makePerson(server.database.db, { role: "convener" });
    const fields = validInquiry();
    const sent = await visitor().post(fields);
    expect(sent.status).toBe(303);
    expect(sent.location).toBe("/join/thanks");
    const thanks = await new TestClient(server.url).get(sent.location!);
    expect(thanks.status).toBe(200);
    expect(thanks.text).toContain("Thank you: your inquiry was sent");

    const [stored] = await inquiriesFrom(fields.email);
    expect(stored).toMatchObject({
      name: "Pat Advocate",
      organizationName: fields.organization,
      organizationKind: "patient_advocacy",
      status: "new",
      message: fields.message,
    });
    const mails = await server.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.subject, `New membership inquiry: ${fields.organization}`));
    expect(mails.map((m) => m.toAddress).sort()).toEqual([convener.email, second.email].sort());
    expect(mails[0]!.body).toContain(`${server.url}/app/inquiries/${stored!.id}`);

    // The audit trail names the inquiry by id only: it outlives the inquiry's deletion.
    const [event] = await server.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, stored!.id));
    expect(event?.action).toBe("inquiry.received");
    expect(JSON.stringify(event)).not.toContain(fields.email);
    expect(JSON.stringify(event)).not.toContain("Pat Advocate");
  });

  it("refuses missing fields with a message beside each, keeps what was typed, stores nothing", async () => {
    const before = await countInquiries();
    const res = await visitor().post({ name: "Pat <b>Advocate</b>", email: "", organization: "", message: "", homepage: "" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Enter email.");
    expect(res.text).toContain("Enter organization.");
    expect(res.text).toContain("Choose the kind of organization.");
    expect(res.text).toContain("Enter message.");
    expect(res.text).toContain('value="Pat &lt;b&gt;Advocate&lt;/b&gt;"');
    expect(res.text).not.toContain("<b>Advocate</b>");
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await countInquiries()).toBe(before);
  });

  it("refuses a message over its size limit and stores nothing", async () => {
    const fields = validInquiry({ message: "x".repeat(20_000) });
    const res = await visitor().post(fields);
    expect(res.status).toBe(400);
    expect(res.text).toContain("Message must be at most 5,000 characters.");
    expect(await inquiriesFrom(fields.email)).toEqual([]);
  });

  it("refuses a body over the form limit (64 KB) with the site's error page, without keeping it", async () => {
    const fields = validInquiry({ message: "x".repeat(3 * 1024 * 1024) });
    const res = await visitor().post(fields);
    expect(res.status).toBe(413);
    expect(res.text).toContain("What you sent is too large");
    expect(res.text).toContain("larger than this form accepts (at most 64 KB)");
    expect(await inquiriesFrom(fields.email)).toEqual([]);
  });

  it("refuses CR/LF in the name and in the email (no header injection) and stores nothing", async () => {
    const name = validInquiry({ name: "Pat\r\nBcc: victim@example.org" });
    const byName = await visitor().post(name);
    expect(byName.status).toBe(400);
    expect(byName.text).toContain("Name must be a single line of text.");
    expect(await inquiriesFrom(name.email)).toEqual([]);

    const email = validInquiry({ email: "pat@example.org\r\nBcc: victim@example.org" });
    const byEmail = await visitor().post(email);
    expect(byEmail.status).toBe(400);
    expect(byEmail.text).toContain("Email must be a single line of text.");
    const organization = validInquiry({ organization: "Acme\nSubject: spam" });
    expect((await visitor().post(organization)).status).toBe(400);
    expect(await inquiriesFrom(organization.email)).toEqual([]);
  });

  it("refuses arrays where it expects one string, and unknown kinds", async () => {
    const before = await countInquiries();
    for (const field of ["name", "email", "organization", "message"] as const) {
      const fields = validInquiry();
      const res = await visitor().post({ ...fields, [field]: [String(fields[field]), "second value"] });
      expect(res.status, field).toBe(400);
      expect(res.text).toContain("was sent more than once: send one value.");
    }
    expect((await visitor().post(validInquiry({ kind: ["other", "supporting"] }))).status).toBe(400);
    expect((await visitor().post(validInquiry({ kind: "pharma" }))).status).toBe(400);
    expect(await countInquiries()).toBe(before);
  });

  it("answers a filled honeypot as if all was well, and stores and mails nothing", async () => {
    const before = await countInquiries();
    const mailsBefore = await server.database.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(outbox);
    const fields = validInquiry({ homepage: "https://spam.example" });
    const res = await visitor().post(fields);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/join/thanks");
    // Also when the rest of the form is nonsense: a robot learns nothing from the answer.
    expect((await visitor().post({ homepage: "x" })).location).toBe("/join/thanks");
    expect(await countInquiries()).toBe(before);
    const mailsAfter = await server.database.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(outbox);
    expect(mailsAfter).toEqual(mailsBefore);
  });

  it("answers 429 past the limit per address, and stores nothing then", async () => {
    const from = visitor();
    for (let i = 0; i < 5; i++) expect((await from.post(validInquiry())).status).toBe(303);
    const over = validInquiry();
    const refused = await from.post(over);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("Too many inquiries have been sent from your connection");
    expect(refused.text).toContain(`value="${over.organization}"`);
    expect(await inquiriesFrom(over.email)).toEqual([]);
    // Another address is not affected.
    expect((await visitor().post(validInquiry())).status).toBe(303);
  });

  it("refuses a post from another site", async () => {
    const fields = validInquiry();
    const res = await new TestClient(server.url, "https://evil.example").post("/join", fields);
    expect(res.status).toBe(403);
    expect(await inquiriesFrom(fields.email)).toEqual([]);
  });
});

describe("conveners working through inquiries", () => {
  async function sendInquiry(overrides: Record<string, string> = {}) {
    const fields = validInquiry(overrides);
    expect((await visitor().post(fields)).status).toBe(303);
    const [row] = await inquiriesFrom(fields.email);
    return row!;
  }

  it("is for conveners only", async () => {
    const inquiry = await sendInquiry();
    const anonymous = await new TestClient(server.url).get("/app/inquiries");
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toMatch(/^\/login\?redirectTo=/);
    const representative = await makePerson(server.database.db);
    const rep = new TestClient(server.url);
    await signIn(rep, representative.email);
    expect((await rep.get("/app/inquiries")).status).toBe(403);
    expect((await rep.get(`/app/inquiries/${inquiry.id}`)).status).toBe(403);
    expect((await rep.post(`/app/inquiries/${inquiry.id}`, { intent: "status", status: "declined" })).status).toBe(403);
    expect((await rep.get("/app")).text).not.toContain('href="/app/inquiries"');
  });

  it("lists inquiries, filters them by status, and shows one", async () => {
    const inquiry = await sendInquiry({ message: "<script>alert(1)</script>\nSecond line" });
    const client = await convenerClient();
    expect((await client.get("/app")).text).toContain('href="/app/inquiries"');
    const list = await client.get("/app/inquiries");
    expect(list.status).toBe(200);
    expect(list.text).toContain(inquiry.organizationName);
    expect(list.text).toContain(`href="/app/inquiries/${inquiry.id}"`);
    expect((await client.get("/app/inquiries?status=new")).text).toContain(inquiry.organizationName);
    expect((await client.get("/app/inquiries?status=declined")).text).not.toContain(inquiry.organizationName);
    expect((await client.get("/app/inquiries?status=nonsense")).status).toBe(200);

    const details = await client.get(`/app/inquiries/${inquiry.id}`);
    expect(details.status).toBe(200);
    expect(details.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(details.text).toContain(`mailto:${inquiry.email}`);
    expect((await client.get("/app/inquiries/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await client.get("/app/inquiries/not-an-id")).status).toBe(404);
  });

  it("moves an inquiry from new to contacted to declined, with a private note, and no further", async () => {
    const inquiry = await sendInquiry();
    const client = await convenerClient();
    const path = `/app/inquiries/${inquiry.id}`;
    const contacted = await client.post(path, { intent: "status", status: "contacted" });
    expect(contacted.status).toBe(302);
    const note = await client.post(path, { intent: "note", note: "Called them on Tuesday." });
    expect(note.status).toBe(302);
    expect((await client.get(path)).text).toContain("Called them on Tuesday.");
    expect((await client.post(path, { intent: "status", status: "declined" })).status).toBe(302);

    const [row] = await server.database.db.select().from(inquiries).where(eq(inquiries.id, inquiry.id));
    expect(row).toMatchObject({ status: "declined", note: "Called them on Tuesday.", handledById: convener.id });
    expect(row!.closedAt).toBeInstanceOf(Date);

    const again = await client.post(path, { intent: "status", status: "contacted" });
    expect(again.status).toBe(409);
    expect(again.text).toContain("already declined");
    const accept = await client.post(path, { intent: "accept", organizationName: "Anything", canVote: "on" });
    expect(accept.status).toBe(409);
    expect(await server.database.db.select().from(organizations).where(eq(organizations.name, "Anything"))).toEqual([]);

    const actions = await server.database.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.subjectId, inquiry.id));
    expect(actions.map((a) => a.action)).toEqual(["inquiry.received", "inquiry.contacted", "inquiry.note.updated", "inquiry.declined"]);
  });

  it("accepting creates exactly one organization and one invitation, even when submitted twice at once", async () => {
    const inquiry = await sendInquiry({ kind: "supporting", name: "Sam Supporter" });
    const name = `${inquiry.organizationName} (accepted)`;
    const client = await convenerClient();
    const other = new TestClient(server.url);
    await signIn(other, (await makePerson(server.database.db, { role: "convener" })).email);
    const fields = { intent: "accept", organizationName: name, votingMember: "on", canVote: "on" };
    const answers = await Promise.all([
      client.post(`/app/inquiries/${inquiry.id}`, fields),
      other.post(`/app/inquiries/${inquiry.id}`, fields),
      client.post(`/app/inquiries/${inquiry.id}`, fields),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 302, 302]);
    const winner = answers.find((a) => a.status === 200)!;
    expect(winner.text).toContain("The inquiry is accepted");
    expect(winner.text).toMatch(/\/invite\/[a-z2-7]{32}/);
    for (const loser of answers.filter((a) => a.status === 302)) {
      expect(loser.location).toBe(`/app/inquiries/${inquiry.id}?saved=already-accepted`);
    }

    const db = server.database.db;
    const created = await db.select().from(organizations).where(eq(organizations.name, name));
    expect(created).toHaveLength(1);
    expect(created[0]!.votingMember).toBe(true);
    const invitations = await db.select().from(oneTimeTokens).where(eq(oneTimeTokens.email, inquiry.email));
    expect(invitations).toHaveLength(1);
    expect(invitations[0]).toMatchObject({ purpose: "invitation", organizationId: created[0]!.id, canVote: true, name: "Sam Supporter" });
    const [row] = await db.select().from(inquiries).where(eq(inquiries.id, inquiry.id));
    expect(row).toMatchObject({ status: "accepted", organizationId: created[0]!.id, invitationId: invitations[0]!.id });
    const mails = await db.select().from(outbox).where(eq(outbox.toAddress, inquiry.email));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain("You are invited");

    // The invitation works: the person who wrote becomes the organization's representative.
    const link = /\/invite\/([a-z2-7]{32})/.exec(winner.text)![1]!;
    const invited = new TestClient(server.url);
    const accepted = await invited.post(`/invite/${link}`, { name: "Sam Supporter", password: "a long enough password" });
    expect(accepted.status).toBe(302);
  });

  it("refuses to accept under the name of an existing organization, and changes nothing", async () => {
    const existing = await makeOrganization(server.database.db);
    const inquiry = await sendInquiry();
    const client = await convenerClient();
    const res = await client.post(`/app/inquiries/${inquiry.id}`, {
      intent: "accept",
      organizationName: existing.name.toUpperCase(),
      canVote: "on",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("An organization with this name already exists.");
    expect(res.text).toContain(`value="${existing.name.toUpperCase()}"`);
    const [row] = await server.database.db.select().from(inquiries).where(eq(inquiries.id, inquiry.id));
    expect(row!.status).toBe("new");
    expect(await server.database.db.select().from(oneTimeTokens).where(eq(oneTimeTokens.email, inquiry.email))).toEqual([]);
  });

  it("refuses to accept when the person who wrote already has an account", async () => {
    const person = await makePerson(server.database.db);
    const inquiry = await sendInquiry({ email: person.email });
    const client = await convenerClient();
    const res = await client.post(`/app/inquiries/${inquiry.id}`, {
      intent: "accept",
      organizationName: unique("Fresh Organization"),
      canVote: "on",
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain("already has an account");
    const [row] = await server.database.db.select().from(inquiries).where(eq(inquiries.id, inquiry.id));
    expect(row!.status).toBe("new");
  });
});
