/**
 * The kinds of mail a person chooses how to receive, and the three ways, with their words. The
 * same lists are the database's enums (db/schema/mail-preferences.ts; a test keeps them equal).
 */
export const mailKindChoices = ["round_opened", "round_reminder", "round_cancelled", "round_outcome", "position_published"] as const;
export type MailKindChoice = (typeof mailKindChoices)[number];
export const mailModeChoices = ["immediate", "digest", "off"] as const;
export type MailModeChoice = (typeof mailModeChoices)[number];

export const mailKindWords: Record<MailKindChoice, string> = {
  round_opened: "A consensus round opens",
  round_reminder: "Reminder that your organization has not answered",
  round_cancelled: "A round is cancelled",
  round_outcome: "A round closes, with its outcome",
  position_published: "A position is published",
};

export const mailModeWords: Record<MailModeChoice, string> = {
  immediate: "As it happens",
  digest: "In a daily digest",
  off: "Off",
};
