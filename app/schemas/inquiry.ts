import { z } from "zod";
import { INQUIRY_LIMITS, organizationKinds } from "../lib/inquiries";
import { email, multiLine, singleLine } from "../lib/validation";

/** The name of the honeypot field: hidden from people and assistive technology, filled by bots. */
export const HONEYPOT_FIELD = "homepage";

/** The public membership inquiry form (/join). Every field is text, one value each. */
export const inquirySchema = z.object({
  name: singleLine("Name", INQUIRY_LIMITS.name),
  email: email(),
  organization: singleLine("Organization", INQUIRY_LIMITS.organization),
  kind: z.enum(organizationKinds, { error: "Choose the kind of organization." }),
  message: multiLine("Message", INQUIRY_LIMITS.message),
});

export type InquiryInput = z.output<typeof inquirySchema>;
