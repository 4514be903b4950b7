import { z } from "zod";
import { checkbox, optionalMultiLine, optionalSingleLine, optionalWebsite, pillarChoice, singleLine } from "../lib/validation";

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
