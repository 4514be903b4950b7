import type { AppLoadContext } from "@remix-run/node";
import { listMailPreferences, setMailPreferences } from "../../db/queries/mail-preferences";
import type { MailKind, MailMode } from "../../db/schema";
import { mailKindChoices } from "../lib/mail-kinds";

export type { MailKind, MailMode };

/** One person's choices for every kind (`immediate` where they never chose). */
export async function getMailPreferences(context: Pick<AppLoadContext, "database">, personId: string): Promise<Record<MailKind, MailMode>> {
  const chosen = await listMailPreferences(context.database.db, personId);
  return Object.fromEntries(mailKindChoices.map((k) => [k, chosen[k] ?? "immediate"])) as Record<MailKind, MailMode>;
}

export async function saveMailPreferences(
  context: Pick<AppLoadContext, "database">,
  personId: string,
  choices: Record<MailKind, MailMode>,
) {
  await setMailPreferences(context.database.db, personId, choices);
}
