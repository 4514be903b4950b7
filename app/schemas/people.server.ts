import { z } from "zod";
import { checkbox, email, optionalSingleLine, uuid } from "../lib/validation.server";

export const inviteSchema = z.object({
  intent: z.literal("invite"),
  email: email(),
  name: optionalSingleLine("Name", 200),
  organizationId: uuid("Organization"),
  canVote: checkbox("Can vote for the organization"),
});
export const cancelInvitationSchema = z.object({ intent: z.literal("cancel"), invitationId: uuid("Invitation") });

/** The buttons that carry nothing but their intent. */
export const personIntentSchema = z.object({ intent: z.string() });
export const makeRepresentativeSchema = z.object({ intent: z.literal("make-representative"), organizationId: uuid("Organization") });
