import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInquiry } from "../../db/queries/inquiries";
import { organizations, positions } from "../../db/schema";
import { makeOrganization, makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";
import { contentSnapshot } from "../support/snapshot";

/*
 * Every action with several forms goes through dispatchIntent: a post that names no form (no
 * `intent`, or one the page does not have) answers 400 and writes nothing at all. The posts carry
 * every field the real form has, so only the intent is wrong.
 */
let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer({ roundScheduler: false });
  const convener = await makePerson(server.database.db, { role: "convener" });
  admin = new TestClient(server.url);
  await signInAs(server.database.db, admin, convener.id);
});
afterAll(() => server?.close());

/** Posts the form without its intent, then with an unknown one, then with two; each is 400 and changes nothing. */
async function expectRefusedWithoutIntent(path: string, fields: Record<string, string | string[]>) {
  const before = await contentSnapshot(server.database.db);
  for (const intent of [undefined, "nonsense", "__proto__", "toString", ["save", "status"]]) {
    const response = await admin.post(path, intent === undefined ? fields : { ...fields, intent });
    expect(response.status, `${path} with intent ${JSON.stringify(intent)}`).toBe(400);
    expect(response.text).toContain("This form is not known here");
  }
  expect(await contentSnapshot(server.database.db)).toEqual(before);
}

describe("a post whose intent is missing or unknown", () => {
  it("keeps an organization's voting membership (the details form once fell back to save)", async () => {
    const org = await makeOrganization(server.database.db, { name: "Voting Alliance", votingMember: true });
    await expectRefusedWithoutIntent(`/app/organizations/${org.id}`, { name: "Renamed", shortName: "", website: "", description: "" });
    await expectRefusedWithoutIntent(`/app/organizations/${org.id}`, { status: "left" });
    const [row] = await server.database.db.select().from(organizations).where(eq(organizations.id, org.id));
    expect(row).toMatchObject({ name: "Voting Alliance", votingMember: true, status: "active" });
    // The real forms still work.
    const saved = await admin.post(`/app/organizations/${org.id}`, { intent: "save", name: "Voting Alliance", votingMember: "on" });
    expect(saved.location).toBe(`/app/organizations/${org.id}?saved=details`);
    const status = await admin.post(`/app/organizations/${org.id}`, { intent: "status", status: "suspended", confirm: "yes" });
    expect(status.location).toBe(`/app/organizations/${org.id}?saved=status`);
  });

  it("changes no inquiry", async () => {
    const inquiry = await createInquiry(server.database.db, {
      name: "Pat",
      email: "pat@example.org",
      organizationName: "Rare Lung Alliance",
      organizationKind: "patient_advocacy",
      message: "We would like to join.",
    });
    await expectRefusedWithoutIntent(`/app/inquiries/${inquiry.id}`, { status: "declined" });
    await expectRefusedWithoutIntent(`/app/inquiries/${inquiry.id}`, { note: "A note" });
    await expectRefusedWithoutIntent(`/app/inquiries/${inquiry.id}`, { organizationName: "Rare Lung Alliance", votingMember: "on" });
    const declined = await admin.post(`/app/inquiries/${inquiry.id}`, { intent: "status", status: "declined" });
    expect(declined.location).toBe(`/app/inquiries/${inquiry.id}?saved=declined`);
  });

  it("changes no person and sends no invitation", async () => {
    const org = await makeOrganization(server.database.db);
    const person = await makePerson(server.database.db, { organizationId: org.id, canVote: true });
    await expectRefusedWithoutIntent(`/app/people/${person.id}`, {});
    await expectRefusedWithoutIntent(`/app/people/${person.id}`, { organizationId: org.id });
    await expectRefusedWithoutIntent("/app/people", { email: "new@example.org", organizationId: org.id, canVote: "on" });
    await expectRefusedWithoutIntent("/app/people", { invitationId: org.id });
    const revoked = await admin.post(`/app/people/${person.id}`, { intent: "revoke-vote" });
    expect(revoked.location).toBe(`/app/people/${person.id}?done=revoke-vote`);
  });

  it("changes no position", async () => {
    const { roundId } = await adoptProposal(server, admin, { title: "Intent test" });
    const published = await admin.post(`/app/rounds/${roundId}/publish`, {
      releaseAt: "",
      title: "Intent test",
      summary: "Health plans should pay for artificial limbs. People need them to walk and work.",
    });
    expect(published.status).toBe(302);
    const [position] = await server.database.db.select().from(positions).where(eq(positions.roundId, roundId));
    await expectRefusedWithoutIntent(`/app/positions/${position!.id}`, { reason: "No longer true." });
    await expectRefusedWithoutIntent(`/app/positions/${position!.id}`, { title: "Other", summary: "Other." });
  });

  it("changes no site text", async () => {
    await expectRefusedWithoutIntent("/app/site", {
      name: "Renamed coalition",
      shortName: "RC",
      about: "About.",
      vision: "Vision.",
      contactEmail: "hello@example.org",
      inquiryRetentionMonths: "24",
      coverage: "C",
      access: "A",
      research: "R",
      equity: "E",
    });
  });
});
