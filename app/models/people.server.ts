import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { getCoalition } from "../../db/queries/coalition";
import { createOneTimeToken, listPendingInvitations, revokeInvitation } from "../../db/queries/one-time-tokens";
import { getOrganization } from "../../db/queries/organizations";
import { getPerson, getPersonByEmail, getPersonForUpdate, listPeople, updatePerson } from "../../db/queries/people";
import { invalidatePersonSessions } from "../../db/queries/sessions";
import { hashPassword, verifyPassword } from "../lib/password.server";
import { UserFacingError } from "./auth.server";
import { absoluteUrl, queueMail } from "./mail.server";
import { getOrganizationName } from "./organizations.server";
import { isUuid } from "../lib/uuid";

/** Invites a representative: a 7-day link, mailed to them and shown to the convener. */
export async function inviteRepresentative(
  context: AppLoadContext,
  actor: { id: string; name: string },
  fields: { email: string; name: string; organizationId: string; canVote: boolean },
) {
  const db = context.database.db;
  const url = await db.transaction(async (tx) => {
    const organization = await getOrganization(tx, fields.organizationId);
    if (!organization) throw new UserFacingError("Choose an organization from the list.", 400, "organizationId");
    if (organization.status === "left") {
      throw new UserFacingError("This organization has left the coalition: it cannot get new representatives.", 400, "organizationId");
    }
    if (await getPersonByEmail(tx, fields.email)) {
      throw new UserFacingError("A person with this email already has an account.", 400, "email");
    }
    return (await createInvitation(tx, context, actor, organization, fields)).link;
  });
  context.mail.nudge();
  return url;
}

/**
 * Makes an invitation inside the caller's transaction: the hashed token, the mail in the outbox
 * and the audit event. The caller checks the organization and the address first, and nudges the
 * mail delivery after committing.
 */
export async function createInvitation(
  tx: Db,
  context: AppLoadContext,
  actor: { id: string; name: string },
  organization: { id: string; name: string },
  fields: { email: string; name: string; canVote: boolean },
) {
  const { token, row } = await createOneTimeToken(tx, {
    purpose: "invitation",
    email: fields.email,
    name: fields.name || null,
    organizationId: organization.id,
    canVote: fields.canVote,
    createdById: actor.id,
  });
  const link = absoluteUrl(context, `/invite/${token}`);
  const coalition = await getCoalition(tx);
  const coalitionName = coalition?.name ?? "the coalition";
  await queueMail(tx, context, {
    to: fields.email,
    subject: `You are invited to ${coalitionName} on CARE Table`,
    body: [
      fields.name ? `Hello ${fields.name},` : "Hello,",
      "",
      `${actor.name} invited you to represent ${organization.name} in ${coalitionName}.`,
      fields.canVote ? "You will be able to cast your organization's ballot in consensus rounds." : "",
      "",
      "Open this link within 7 days to set your name and password:",
      "",
      link,
    ]
      .filter((line, i, all) => line !== "" || all[i - 1] !== "")
      .join("\n"),
  });
  await recordAudit(tx, {
    actorId: actor.id,
    action: "invitation.created",
    subjectType: "invitation",
    subjectId: row.id,
    after: { email: fields.email, organizationId: organization.id, canVote: fields.canVote, expiresAt: row.expiresAt },
  });
  return { link, invitationId: row.id };
}

export async function cancelInvitation(context: AppLoadContext, actorId: string, invitationId: string) {
  if (!isUuid(invitationId)) return false;
  return context.database.db.transaction(async (tx) => {
    const revoked = await revokeInvitation(tx, invitationId);
    if (!revoked) return false;
    await recordAudit(tx, {
      actorId,
      action: "invitation.revoked",
      subjectType: "invitation",
      subjectId: invitationId,
      before: { email: revoked.email },
    });
    return true;
  });
}

export type PersonChange =
  | { kind: "can-vote"; canVote: boolean }
  | { kind: "deactivate" }
  | { kind: "reactivate" }
  | { kind: "make-convener" }
  | { kind: "make-representative"; organizationId: string };

/**
 * One change to a person by a convener, audited with its before and after. Deactivation ends all
 * of the person's sessions at once; a convener cannot deactivate or demote themselves (so the
 * coalition never loses its last convener by accident).
 */
export async function changePerson(context: AppLoadContext, actorId: string, personId: string, change: PersonChange) {
  if (!isUuid(personId)) return null;
  const after = await context.database.db.transaction(async (tx) => {
    const before = await getPersonForUpdate(tx, personId);
    if (!before) return null;
    if (personId === actorId && (change.kind === "deactivate" || change.kind === "make-representative")) {
      throw new UserFacingError("You cannot do this to your own account. Ask another convener.", 400);
    }
    let fields: Parameters<typeof updatePerson>[2];
    let action: string;
    switch (change.kind) {
      case "can-vote":
        if (before.role !== "representative") throw new UserFacingError("Only representatives vote for an organization.");
        fields = { canVote: change.canVote };
        action = change.canVote ? "person.voter.granted" : "person.voter.revoked";
        break;
      case "deactivate":
        fields = { status: "deactivated" };
        action = "person.deactivated";
        break;
      case "reactivate":
        fields = { status: "active" };
        action = "person.reactivated";
        break;
      case "make-convener":
        fields = { role: "convener", canVote: false };
        action = "person.role.convener";
        break;
      case "make-representative": {
        const organization = await getOrganization(tx, change.organizationId);
        if (!organization) throw new UserFacingError("Choose an organization from the list.", 400, "organizationId");
        fields = { role: "representative", organizationId: organization.id };
        action = "person.role.representative";
        break;
      }
    }
    const after = await updatePerson(tx, personId, fields);
    if (change.kind === "deactivate") await invalidatePersonSessions(tx, personId);
    await recordAudit(tx, {
      actorId,
      action,
      subjectType: "person",
      subjectId: personId,
      before: Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof typeof before]])),
      after: fields,
    });
    return after;
  });
  // Live editor connections follow the person: closed at deactivation, re-checked otherwise.
  if (after && change.kind === "deactivate") context.collab.closeConnectionsOfPerson(personId);
  else if (after) await context.collab.recheckOrganization(after.organizationId ?? "");
  return after;
}

export async function updateProfile(context: AppLoadContext, personId: string, fields: { name: string; timeZone: string | null }) {
  return context.database.db.transaction(async (tx) => {
    const before = await getPersonForUpdate(tx, personId);
    if (!before) return null;
    const after = await updatePerson(tx, personId, fields);
    await recordAudit(tx, {
      actorId: personId,
      action: "person.profile.updated",
      subjectType: "person",
      subjectId: personId,
      before: { name: before.name, timeZone: before.timeZone },
      after: fields,
    });
    return after;
  });
}

/**
 * Changes one's own password (the current one is required). Every session ends, this one too:
 * the caller starts a fresh one, so a stolen session does not survive the change.
 */
export async function changeOwnPassword(context: AppLoadContext, personId: string, current: string, next: string) {
  const db = context.database.db;
  const person = await getPersonForUpdate(db, personId);
  if (!person || !(await verifyPassword(person.passwordHash, current))) {
    throw new UserFacingError("Your current password is not right.", 400, "currentPassword");
  }
  const passwordHash = await hashPassword(next);
  await db.transaction(async (tx) => {
    await updatePerson(tx, personId, { passwordHash });
    await invalidatePersonSessions(tx, personId);
    await recordAudit(tx, {
      actorId: personId,
      action: "person.password.changed",
      subjectType: "person",
      subjectId: personId,
    });
  });
}

/** One page of everyone (by organization and name), and every pending invitation. */
export async function listPeopleAndInvitations(context: AppLoadContext, page: { limit: number; offset: number }) {
  const db = context.database.db;
  const [people, invitations] = await Promise.all([listPeople(db, page), listPendingInvitations(db)]);
  return { people, invitations };
}

export async function getPersonDetails(context: AppLoadContext, id: string) {
  if (!isUuid(id)) return null;
  const person = await getPerson(context.database.db, id);
  if (!person) return null;
  const { passwordHash: _hash, ...rest } = person;
  return { ...rest, organizationName: await getOrganizationName(context, person.organizationId) };
}
