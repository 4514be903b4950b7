import crypto from "node:crypto";
import type { Db } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { createInquiry } from "../../db/queries/inquiries";
import { createOneTimeToken } from "../../db/queries/one-time-tokens";
import { createOrganization, updateOrganization } from "../../db/queries/organizations";
import { enqueueMail } from "../../db/queries/outbox";
import { createPerson } from "../../db/queries/people";
import { createSession } from "../../db/queries/sessions";
import type { PillarKey } from "../../db/schema";
import { hashPassword } from "../../app/lib/password.server";
import type { TestClient } from "./http";

export const TEST_PASSWORD = "correct horse battery staple";
let passwordHash: Promise<string> | undefined;

export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString("hex")}`;
}

export async function makeOrganization(
  db: Db,
  fields: {
    name?: string;
    votingMember?: boolean;
    pillars?: PillarKey[];
    shortName?: string;
    website?: string | null;
    description?: string;
  } = {},
) {
  return createOrganization(db, {
    name: fields.name ?? unique("Organization"),
    shortName: fields.shortName ?? "",
    website: fields.website ?? null,
    description: fields.description ?? "",
    pillars: fields.pillars ?? [],
    votingMember: fields.votingMember ?? true,
  });
}

/** Sets an organization's website (for endorsers linked to their sites). */
export async function setWebsite(db: Db, organizationId: string, website: string | null) {
  return updateOrganization(db, organizationId, { website });
}

/** A long, realistic organization name, numbered so thirty of them stay distinct. */
export function longOrganizationName(n: number) {
  return `National Alliance of Patients, Families and Caregivers Living with Rare Neuromuscular and Chronic Inflammatory Conditions ${n}`;
}

/** A long, realistic reason (an objection, a withdrawal, an inquiry's message). */
export function longReason(n = 1) {
  return (
    `Reason ${n}: the text as written would leave people who rely on power wheelchairs, ventilators and home nursing without a ` +
    "guaranteed repair window, and our members in rural counties already wait eleven weeks or more; we ask that the coverage " +
    "language name a maximum wait and an appeal route that a person can use without a lawyer (see " +
    "https://www.example.org/reports/2026/rural-access-to-durable-medical-equipment-repair-survey-results)."
  );
}

/** A membership inquiry as the public form stores it. */
export async function makeInquiry(db: Db, fields: { organizationName?: string; message?: string; name?: string } = {}) {
  return createInquiry(db, {
    name: fields.name ?? unique("Inquirer"),
    email: `${unique("inquirer")}@example.org`,
    organizationName: fields.organizationName ?? unique("Applicant"),
    organizationKind: "patient_advocacy",
    message: fields.message ?? "We would like to join.",
  });
}

/** A mail in the outbox (kept: no mail server). */
export async function makeMail(db: Db, fields: { to?: string; subject?: string; body?: string } = {}) {
  return enqueueMail(
    db,
    { to: fields.to ?? `${unique("reader")}@example.org`, subject: fields.subject ?? "A notice", body: fields.body ?? "Hello." },
    "kept",
  );
}

/** An audit event on the chain (recorded as the application records them). */
export async function makeAuditEvent(
  db: Db,
  fields: { actorId: string; action?: string; subjectId?: string | null; before?: unknown; after?: unknown },
) {
  return recordAudit(db, {
    actorId: fields.actorId,
    action: fields.action ?? "organization.updated",
    subjectType: "organization",
    subjectId: fields.subjectId ?? null,
    before: fields.before ?? null,
    after: fields.after ?? null,
  });
}

/** A pending invitation of a representative, as a convener makes it. */
export async function makeInvitation(db: Db, fields: { email?: string; organizationId: string; canVote?: boolean; createdById?: string }) {
  return createOneTimeToken(db, {
    purpose: "invitation",
    email: fields.email ?? `${unique("invitee")}@example.org`,
    organizationId: fields.organizationId,
    canVote: fields.canVote ?? false,
    createdById: fields.createdById ?? null,
  });
}

export async function makePerson(
  db: Db,
  fields: { role?: "convener" | "representative"; organizationId?: string; canVote?: boolean; email?: string; name?: string } = {},
) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const role = fields.role ?? "representative";
  const organizationId = role === "representative" ? (fields.organizationId ?? (await makeOrganization(db)).id) : null;
  return createPerson(db, {
    email: fields.email ?? `${unique("person")}@example.org`,
    name: fields.name ?? unique("Person"),
    passwordHash: await passwordHash,
    role,
    organizationId,
    canVote: fields.canVote ?? false,
  });
}

/** Signs in through the real login form; fails the test when it does not work. */
export async function signIn(client: TestClient, email: string, password = TEST_PASSWORD) {
  const response = await client.post("/login", { email, password });
  if (response.status !== 302 && response.status !== 204) {
    throw new Error(`login failed for ${email}: ${response.status}`);
  }
  return response;
}

/**
 * Gives a client a session for a person directly (no login form, so no password hashing and no
 * login rate limit): for tests about something else than signing in.
 */
export async function signInAs(db: Db, client: TestClient, personId: string) {
  const { token } = await createSession(db, personId);
  client.setCookie("care_session", token);
}
