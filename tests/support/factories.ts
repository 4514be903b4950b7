import crypto from "node:crypto";
import type { Db } from "../../db/client";
import { createOrganization } from "../../db/queries/organizations";
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

export async function makeOrganization(db: Db, fields: { name?: string; votingMember?: boolean; pillars?: PillarKey[] } = {}) {
  return createOrganization(db, {
    name: fields.name ?? unique("Organization"),
    shortName: "",
    website: null,
    description: "",
    pillars: fields.pillars ?? [],
    votingMember: fields.votingMember ?? true,
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
