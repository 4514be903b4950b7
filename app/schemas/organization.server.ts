import { z } from "zod";
import { checkbox, optionalMultiLine, optionalSingleLine, optionalWebsite, pillarChoice, singleLine } from "../lib/validation.server";

export const organizationSchema = z.object({
  name: singleLine("Name", 200),
  shortName: optionalSingleLine("Short name", 60),
  website: optionalWebsite("Website"),
  description: optionalMultiLine("Description", 4000),
  pillars: pillarChoice(0),
  votingMember: checkbox("Voting member"),
});

export type OrganizationInput = z.output<typeof organizationSchema>;

export function toOrganizationFields(value: OrganizationInput) {
  return { ...value, website: value.website || null };
}

export const organizationStatusSchema = z.object({
  intent: z.literal("status"),
  status: z.enum(["active", "suspended", "left"], { error: "Choose a status from the list." }),
});
export const removeLogoSchema = z.object({ intent: z.literal("remove-logo") });
/** The logo form: one file; its bytes are checked in uploadLogo. */
export const logoSchema = z.object({
  intent: z.literal("logo"),
  logo: z.instanceof(File, { error: "Choose a logo file to upload." }),
});
