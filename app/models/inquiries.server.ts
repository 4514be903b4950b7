import type { AppLoadContext } from "@remix-run/node";
import { recordAudit } from "../../db/queries/audit";
import { getCoalition } from "../../db/queries/coalition";
import {
  countInquiriesByStatus,
  createInquiry,
  getInquiry,
  getInquiryForUpdate,
  listInquiries,
  updateInquiry,
} from "../../db/queries/inquiries";
import { createOrganization, getOrganizationByName } from "../../db/queries/organizations";
import { getPersonByEmail, listActiveConvenerEmails } from "../../db/queries/people";
import type { InquiryStatus } from "../../db/schema";
import { consumePoint } from "../../server/rate-limit";
import { nextInquiryStatuses, organizationKindWords } from "../lib/inquiries";
import type { InquiryInput } from "../schemas/inquiry.server";
import { UserFacingError } from "./auth.server";
import { absoluteUrl, queueMail } from "./mail.server";
import { isUniqueViolation } from "./organizations.server";
import { isUuid } from "../lib/uuid";
import { createInvitation } from "./people.server";

/*
 * Audit events are never deleted, and inquiries are (after the retention period): so the events
 * about an inquiry name it by its id and say what happened, never who wrote or what they wrote.
 */

/**
 * Stores an inquiry from the public form and tells every active convener, in one transaction.
 * Limited per client address: over the limit, nothing is stored.
 */
export async function submitInquiry(context: AppLoadContext, input: InquiryInput) {
  const wait = await consumePoint(context.limits.inquiryByAddress, context.clientAddress);
  if (wait > 0) {
    throw new UserFacingError(
      `Too many inquiries have been sent from your connection. Please try again in ${Math.ceil(wait / 60)} minutes, or write to us by email.`,
      429,
    );
  }
  await context.database.db.transaction(async (tx) => {
    const inquiry = await createInquiry(tx, {
      name: input.name,
      email: input.email,
      organizationName: input.organization,
      organizationKind: input.kind,
      message: input.message,
    });
    await recordAudit(tx, {
      actorId: null,
      action: "inquiry.received",
      subjectType: "inquiry",
      subjectId: inquiry.id,
      after: { organizationKind: inquiry.organizationKind },
    });
    const link = absoluteUrl(context, `/app/inquiries/${inquiry.id}`);
    for (const to of await listActiveConvenerEmails(tx)) {
      await queueMail(tx, context, {
        to,
        subject: `New membership inquiry: ${input.organization}`,
        body: [
          "A membership inquiry arrived through the public site.",
          "",
          `From: ${input.name}`,
          `Organization: ${input.organization} (${organizationKindWords[input.kind]})`,
          "",
          "Read it and answer it here:",
          link,
        ].join("\n"),
      });
    }
  });
  context.mail.nudge();
}

/** One page of the conveners' list of inquiries (in one status, or all), and how many there are in each status. */
export async function listInquiriesForConveners(
  context: AppLoadContext,
  status: InquiryStatus | undefined,
  page: { limit: number; offset: number },
) {
  const db = context.database.db;
  const [inquiries, counts] = await Promise.all([listInquiries(db, status, page), countInquiriesByStatus(db)]);
  return { inquiries, counts };
}

export async function getInquiryDetails(context: AppLoadContext, id: string) {
  if (!isUuid(id)) return null;
  const found = await getInquiry(context.database.db, id);
  if (!found) return null;
  return { ...found.inquiry, handledByName: found.handledByName };
}

type Actor = { id: string; name: string };

/** Marks an inquiry as contacted or declined; refused when its status does not allow it. */
export async function changeInquiryStatus(context: AppLoadContext, actor: Actor, id: string, status: "contacted" | "declined") {
  if (!isUuid(id)) return null;
  return context.database.db.transaction(async (tx) => {
    const before = await getInquiryForUpdate(tx, id);
    if (!before) return null;
    if (before.status === status) return before;
    if (!nextInquiryStatuses[before.status].includes(status)) {
      throw new UserFacingError(`This inquiry is already ${before.status}: it can no longer be marked ${status}.`, 409);
    }
    const after = await updateInquiry(tx, id, {
      status,
      handledById: actor.id,
      closedAt: status === "declined" ? new Date() : null,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: `inquiry.${status}`,
      subjectType: "inquiry",
      subjectId: id,
      before: { status: before.status },
      after: { status },
    });
    return after;
  });
}

/** The conveners' private note on an inquiry (deleted with it). */
export async function saveInquiryNote(context: AppLoadContext, actor: Actor, id: string, note: string) {
  if (!isUuid(id)) return null;
  return context.database.db.transaction(async (tx) => {
    const before = await getInquiryForUpdate(tx, id);
    if (!before) return null;
    if (before.note === note) return before;
    const after = await updateInquiry(tx, id, { note });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "inquiry.note.updated",
      subjectType: "inquiry",
      subjectId: id,
    });
    return after;
  });
}

export type AcceptOutcome =
  | { state: "accepted"; organizationId: string; invitationLink: string; email: string }
  | { state: "already-accepted"; organizationId: string | null };

/**
 * Accepts an inquiry: creates the organization and an invitation for the person who wrote, and
 * closes the inquiry, all in one transaction. The inquiry's row is locked first, so when the
 * button is pressed twice (or by two conveners) at once, the second waits, then finds the
 * inquiry accepted and changes nothing.
 */
export async function acceptInquiry(
  context: AppLoadContext,
  actor: Actor,
  id: string,
  fields: { organizationName: string; votingMember: boolean; canVote: boolean },
): Promise<AcceptOutcome | null> {
  if (!isUuid(id)) return null;
  let outcome: AcceptOutcome | null;
  try {
    outcome = await context.database.db.transaction(async (tx): Promise<AcceptOutcome | null> => {
      const inquiry = await getInquiryForUpdate(tx, id);
      if (!inquiry) return null;
      if (inquiry.status === "accepted") return { state: "already-accepted", organizationId: inquiry.organizationId };
      if (!nextInquiryStatuses[inquiry.status].includes("accepted")) {
        throw new UserFacingError("This inquiry was declined: it can no longer be accepted.", 409);
      }
      if (await getOrganizationByName(tx, fields.organizationName)) {
        throw new UserFacingError(
          "An organization with this name already exists. Choose another name, or invite the person from the People page.",
          400,
          "organizationName",
        );
      }
      if (await getPersonByEmail(tx, inquiry.email)) {
        throw new UserFacingError(
          `${inquiry.email} already has an account, so it cannot be invited again. Add the organization from the Organizations page instead.`,
          409,
        );
      }
      const organizationFields = {
        name: fields.organizationName,
        shortName: "",
        website: null,
        description: "",
        pillars: [],
        votingMember: fields.votingMember,
      };
      const organization = await createOrganization(tx, organizationFields);
      await recordAudit(tx, {
        actorId: actor.id,
        action: "organization.created",
        subjectType: "organization",
        subjectId: organization.id,
        after: { ...organizationFields, fromInquiry: inquiry.id },
      });
      const invitation = await createInvitation(tx, context, actor, organization, {
        email: inquiry.email,
        name: inquiry.name,
        canVote: fields.canVote,
      });
      await updateInquiry(tx, id, {
        status: "accepted",
        organizationId: organization.id,
        invitationId: invitation.invitationId,
        handledById: actor.id,
        closedAt: new Date(),
      });
      await recordAudit(tx, {
        actorId: actor.id,
        action: "inquiry.accepted",
        subjectType: "inquiry",
        subjectId: id,
        before: { status: inquiry.status },
        after: { status: "accepted", organizationId: organization.id, invitationId: invitation.invitationId },
      });
      return {
        state: "accepted",
        organizationId: organization.id,
        invitationLink: invitation.link,
        email: inquiry.email,
      };
    });
  } catch (error) {
    // Backstop for the name check: the unique index decides between two different inquiries
    // naming the same new organization at once.
    if (isUniqueViolation(error)) {
      throw new UserFacingError("An organization with this name already exists. Choose another name.", 400, "organizationName");
    }
    throw error;
  }
  if (outcome?.state === "accepted") {
    context.pages.invalidate("organizations");
    context.mail.nudge();
  }
  return outcome;
}

/** The coalition's retention period, for the privacy notice and the conveners' pages. */
export async function getInquiryRetentionMonths(context: AppLoadContext): Promise<number> {
  return (await getCoalition(context.database.db))?.inquiryRetentionMonths ?? 24;
}
