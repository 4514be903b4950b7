/**
 * A step that cannot be undone asks first (DESIGN.md §7), without JavaScript: the first post
 * answers with a confirmation (what will happen, in numbers) that the page renders; its form
 * sends the same fields again with `confirm=yes`, and only that post acts.
 */
export interface Confirmation {
  /** The question, as the confirmation's heading ("Close the round now?"). */
  question: string;
  /** The consequence, in numbers where there are numbers. */
  consequence: string;
  /** The confirming button: begins with "Yes, ". */
  yes: string;
  /** The posted fields, sent again with the confirming press. */
  fields: [string, string][];
}

/** True when this post is the confirming press. */
export function isConfirmed(formData: FormData): boolean {
  return formData.get("confirm") === "yes";
}

/** The action's answer that asks first: the page shows it and nothing has changed. */
export function askFirst(formData: FormData, ask: Omit<Confirmation, "fields">): { confirmation: Confirmation } {
  if (!ask.yes.startsWith("Yes, ")) throw new Error(`a confirming button begins with "Yes, ": ${ask.yes}`);
  const fields: [string, string][] = [];
  for (const [name, value] of formData) if (typeof value === "string" && name !== "confirm") fields.push([name, value]);
  return { confirmation: { ...ask, fields } };
}
