import { z } from "zod";
import { mailKindChoices, mailModeChoices, type MailKindChoice } from "../lib/mail-kinds";

const mode = z.enum(mailModeChoices, { error: "Choose as it happens, in a daily digest or off." });

export const mailPreferencesSchema = z.object({
  intent: z.literal("mail"),
  ...(Object.fromEntries(mailKindChoices.map((k) => [k, mode])) as Record<MailKindChoice, typeof mode>),
});
