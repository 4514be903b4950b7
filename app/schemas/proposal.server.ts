import { z } from "zod";
import { UUID_PATTERN } from "../lib/uuid";
import { multiLine, pillarChoice, singleLine } from "../lib/validation.server";

/** A set of organization checkboxes (one name, several values), possibly none. */
function organizationChoice(label: string) {
  return z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(z.string().regex(UUID_PATTERN, `${label}: choose organizations from the list.`))
      .max(100, `${label}: choose at most 100.`)
      .transform((list) => [...new Set(list)]),
  );
}

/** The proposal's details: the same schema for "New proposal" and for editing them. */
export const proposalDetailsSchema = z.object({
  title: singleLine("Title", 200),
  summary: multiLine("Summary", 2000),
  pillars: pillarChoice(1),
  leadOrganizationId: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().regex(UUID_PATTERN, "Choose the lead organization from the list.").optional(),
  ),
  sponsorIds: organizationChoice("Co-sponsoring organizations"),
});

export type ProposalDetailsInput = z.output<typeof proposalDetailsSchema>;

export const saveVersionSchema = z.object({
  intent: z.literal("save-version"),
  label: singleLine("Version name", 200),
});

export const commentSchema = z.object({
  intent: z.literal("comment"),
  body: multiLine("Comment", 5000),
});

export const editCommentSchema = z.object({
  intent: z.literal("edit-comment"),
  commentId: z.string().regex(UUID_PATTERN, "Comment is not valid."),
  body: multiLine("Comment", 5000),
});

export const hideCommentSchema = z.object({
  intent: z.literal("hide-comment"),
  commentId: z.string().regex(UUID_PATTERN, "Comment is not valid."),
  reason: singleLine("Reason for hiding", 500),
});

/** Accept, reject or withdraw suggestions: listed ids, or every suggestion of one organization. */
export const resolveSuggestionsSchema = z.object({
  intent: z.literal("resolve-suggestions"),
  decision: z.enum(["accept", "reject", "withdraw"], "Choose Accept, Reject or Withdraw."),
  suggestionIds: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().regex(/^(insert|delete):[A-Za-z0-9_-]{1,64}$/, "The suggestion is not valid.")).max(1000),
  ),
  organizationId: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().regex(UUID_PATTERN, "The organization is not valid.").optional(),
  ),
});

export const openEditingSchema = z.object({
  intent: z.literal("open-editing"),
  open: z.enum(["yes", "no"], "Choose whether every member organization may edit."),
});

export const startThreadSchema = z.object({
  intent: z.literal("start-thread"),
  anchorFrom: z.string().max(400, "Select the words again, then add your comment."),
  anchorTo: z.string().max(400, "Select the words again, then add your comment."),
  quote: multiLine("The selected words", 2000),
  body: multiLine("Comment", 5000),
});

export const replySchema = z.object({
  intent: z.literal("reply"),
  threadId: z.string().regex(UUID_PATTERN, "The comment is not valid."),
  body: multiLine("Reply", 5000),
});

export const resolveThreadSchema = z.object({
  intent: z.literal("resolve-thread"),
  threadId: z.string().regex(UUID_PATTERN, "The comment is not valid."),
  resolved: z.enum(["yes", "no"], "Choose Resolve or Reopen."),
});
