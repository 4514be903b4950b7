/**
 * How a person may change a proposal's text: the drafting rule of the permission table, shared by
 * the browser's editor, the Remix app and the collaboration server. Pure.
 */
import { can, type Actor, type Resource } from "./permissions";

/** "edit": change the text directly (and choose Suggesting); "suggest": every change is a suggestion; "read": neither. */
export type DraftingMode = "edit" | "suggest" | "read";

export function draftingMode(actor: Actor | null | undefined, proposal: Resource): DraftingMode {
  if (can(actor, "proposal:edit-text", proposal)) return "edit";
  if (can(actor, "proposal:suggest", proposal)) return "suggest";
  return "read";
}

/** The rule that applies to a proposal, in the words the proposal page shows. */
export function draftingRuleText(openEditing: boolean): string {
  return openEditing
    ? "Open editing: a convener opened this draft to direct editing by every member organization."
    : "Conveners and the lead and co-sponsoring organizations edit this draft directly and review suggestions; every other member organization suggests changes.";
}

/** Words for a person who may only suggest. */
export const SUGGEST_ONLY_TEXT =
  "You are suggesting: your organization does not lead or co-sponsor this proposal, so your changes are shown as suggestions for the lead organization to accept or reject.";
