import type { AppLoadContext } from "@remix-run/node";
import { recordAudit } from "../../db/queries/audit";
import {
  createOrganization,
  getOrganization,
  getOrganizationByName,
  getOrganizationForUpdate,
  listOrganizationsWithPeople,
  setOrganizationStatus,
  updateOrganization,
  type OrganizationFields,
} from "../../db/queries/organizations";
import { listActivePeopleOfOrganization, listPeople } from "../../db/queries/people";
import { listOpenRoundsForOrganization } from "../../db/queries/rounds";
import type { OrganizationStatus } from "../../db/schema";
import { isUuid } from "../lib/uuid";
import { UserFacingError } from "./auth.server";

export function isUniqueViolation(error: unknown): boolean {
  // Drizzle wraps driver errors: the PostgreSQL code is on the cause.
  const code = (error as { code?: string; cause?: { code?: string } })?.cause?.code ?? (error as { code?: string })?.code;
  return code === "23505";
}

export async function addOrganization(context: AppLoadContext, actorId: string, fields: OrganizationFields) {
  const db = context.database.db;
  try {
    const organization = await db.transaction(async (tx) => {
      if (await getOrganizationByName(tx, fields.name)) {
        throw new UserFacingError("An organization with this name already exists.", 400, "name");
      }
      const organization = await createOrganization(tx, fields);
      await recordAudit(tx, {
        actorId,
        action: "organization.created",
        subjectType: "organization",
        subjectId: organization.id,
        after: fields,
      });
      return organization;
    });
    context.pages.invalidate("organizations");
    return organization;
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserFacingError("An organization with this name already exists.", 400, "name");
    throw error;
  }
}

export async function editOrganization(context: AppLoadContext, actorId: string, id: string, fields: OrganizationFields) {
  if (!isUuid(id)) return null;
  const db = context.database.db;
  try {
    const edited = await db.transaction(async (tx) => {
      const before = await getOrganizationForUpdate(tx, id);
      if (!before) return null;
      const other = await getOrganizationByName(tx, fields.name);
      if (other && other.id !== id) throw new UserFacingError("An organization with this name already exists.", 400, "name");
      const after = await updateOrganization(tx, id, fields);
      await recordAudit(tx, {
        actorId,
        action: "organization.updated",
        subjectType: "organization",
        subjectId: id,
        before: pickFields(before),
        after: fields,
      });
      return after;
    });
    if (edited) context.pages.invalidate("organizations");
    return edited;
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserFacingError("An organization with this name already exists.", 400, "name");
    throw error;
  }
}

function pickFields(o: OrganizationFields): OrganizationFields {
  return {
    name: o.name,
    shortName: o.shortName,
    website: o.website,
    description: o.description,
    pillars: o.pillars,
    votingMember: o.votingMember,
  };
}

/**
 * Suspends, reinstates or marks an organization as having left. Its representatives keep reading
 * but no longer write: the permission table checks the organization's status on every request.
 */
export async function changeOrganizationStatus(context: AppLoadContext, actorId: string, id: string, status: OrganizationStatus) {
  if (!isUuid(id)) return null;
  const changed = await context.database.db.transaction(async (tx) => {
    const before = await getOrganizationForUpdate(tx, id);
    if (!before) return null;
    if (before.status === status) return before;
    const after = await setOrganizationStatus(tx, id, status);
    await recordAudit(tx, {
      actorId,
      action: `organization.status.${status}`,
      subjectType: "organization",
      subjectId: id,
      before: { status: before.status },
      after: { status },
    });
    return after;
  });
  if (changed) context.pages.invalidate("organizations");
  // Its representatives' live editor connections turn read-only (or writable again) at once.
  if (changed) await context.collab.recheckOrganization(id);
  return changed;
}

export async function getOrganizationName(context: AppLoadContext, id: string | null): Promise<string | null> {
  if (!id) return null;
  return (await getOrganization(context.database.db, id))?.name ?? null;
}

/** Organizations with the names of their active people, for the conveners' list. */
export async function listOrganizationsForConveners(context: AppLoadContext) {
  const db = context.database.db;
  const [rows, everyone] = await Promise.all([listOrganizationsWithPeople(db), listPeople(db)]);
  return rows.map(({ organization, voterCount }) => ({
    id: organization.id,
    name: organization.name,
    shortName: organization.shortName,
    status: organization.status,
    votingMember: organization.votingMember,
    pillars: organization.pillars,
    voterCount,
    people: everyone
      .filter((p) => p.organizationId === organization.id && p.status === "active")
      .map((p) => ({ name: p.name, canVote: p.canVote })),
  }));
}

export async function getOrganizationWithPeople(context: AppLoadContext, id: string) {
  if (!isUuid(id)) return null;
  const db = context.database.db;
  const organization = await getOrganization(db, id);
  if (!organization) return null;
  return { organization, people: await listActivePeopleOfOrganization(db, id) };
}

/** What suspending an organization would do, in numbers, for the convener's confirmation. */
export async function describeSuspension(context: AppLoadContext, id: string) {
  if (!isUuid(id)) return null;
  const db = context.database.db;
  const organization = await getOrganization(db, id);
  if (!organization) return null;
  const [people, openRounds] = await Promise.all([listActivePeopleOfOrganization(db, id), listOpenRoundsForOrganization(db, id)]);
  const n = people.length;
  const r = openRounds.length;
  return {
    name: organization.name,
    status: organization.status,
    consequence:
      `Its ${n} active ${n === 1 ? "person" : "people"} can still read, but can no longer write, suggest, comment or vote.` +
      (r > 0
        ? ` It stays on the roster of ${r} open round${r === 1 ? "" : "s"}; a ballot it cast still counts and can no longer change.`
        : "") +
      " A convener can reinstate it later.",
  };
}
