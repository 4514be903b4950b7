import { z } from "zod";
import { email, multiLine, optionalMultiLine, optionalSingleLine, singleLine } from "../lib/validation.server";

/** The conveners' form for the public site's text (/app/site). Text is plain paragraphs. */
export const siteSchema = z.object({
  name: singleLine("Coalition name", 200),
  shortName: singleLine("Short name", 60),
  tagline: optionalSingleLine("Tagline", 300),
  about: multiLine("What the coalition is", 4000),
  vision: multiLine("Vision", 4000),
  context: optionalMultiLine("Why now", 4000),
  convenerLine: optionalSingleLine("Convener line", 300),
  contactEmail: email("Contact address"),
  inquiryRetentionMonths: z
    .number({ error: "Enter the number of months, like 24." })
    .int("Enter a whole number of months.")
    .min(1, "Keep closed inquiries at least 1 month.")
    .max(120, "Keep closed inquiries at most 120 months (10 years)."),
  coverage: multiLine("Coverage", 2000),
  access: multiLine("Access", 2000),
  research: multiLine("Research", 2000),
  equity: multiLine("Equity", 2000),
});

export type SiteInput = z.output<typeof siteSchema>;
