import { z } from "zod";
import { INQUIRY_LIMITS, inquiryStatuses, organizationKinds } from "../lib/inquiries";
import { checkbox, email, multiLine, optionalMultiLine, singleLine } from "../lib/validation.server";

/** The public membership inquiry form (/join). Every field is text, one value each. */
export const inquirySchema = z.object({
  name: singleLine("Name", INQUIRY_LIMITS.name),
  email: email(),
  organization: singleLine("Organization", INQUIRY_LIMITS.organization),
  kind: z.enum(organizationKinds, { error: "Choose the kind of organization." }),
  message: multiLine("Message", INQUIRY_LIMITS.message),
});

export type InquiryInput = z.output<typeof inquirySchema>;

export const inquiryFilterSchema = z.enum(inquiryStatuses).optional().catch(undefined);

export const inquiryStatusSchema = z.object({
  intent: z.literal("status"),
  status: z.enum(["contacted", "declined"], { error: "Choose a status from the list." }),
});
export const inquiryNoteSchema = z.object({ intent: z.literal("note"), note: optionalMultiLine("Private note", 4000) });
export const acceptInquirySchema = z.object({
  intent: z.literal("accept"),
  organizationName: singleLine("Organization name", 200),
  votingMember: checkbox("Voting member"),
  canVote: checkbox("Can vote for the organization"),
});
