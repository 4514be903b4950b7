/**
 * Suggestions (tracked changes) as marks in the proposal's Yjs document: shared words of the
 * editor, the Remix app and the collaboration server. Pure.
 *
 * In the `default` fragment a suggestion is a text attribute (y-prosemirror's encoding of a mark)
 * named SUGGESTION_INSERT or SUGGESTION_DELETE whose value is a SuggestionAttrs object, so a stock
 * client sees it as formatting. The collaboration server accepts such a mark from a connection only
 * when `by`, `name`, `orgId` and `org` are that connection's own person (see
 * server/collab/suggestions.ts): the words are the server's record, not the client's claim.
 */
export const SUGGESTION_INSERT = "suggestionInsert";
export const SUGGESTION_DELETE = "suggestionDelete";
export const SUGGESTION_MARKS = [SUGGESTION_INSERT, SUGGESTION_DELETE] as const;
export type SuggestionKind = "insert" | "delete";

export interface SuggestionAttrs {
  /** One suggestion: a run of typing or one deletion (random, chosen by the suggester's editor). */
  id: string;
  /** The person's id. */
  by: string;
  name: string;
  orgId: string | null;
  org: string | null;
}

export interface SuggestionIdentity {
  personId: string;
  name: string;
  organizationId: string | null;
  organization: string | null;
}

/** Whether a mark's attributes are a well-formed suggestion of exactly this person. */
export function isOwnSuggestion(value: unknown, identity: SuggestionIdentity): boolean {
  if (!value || typeof value !== "object") return false;
  const a = value as Record<string, unknown>;
  return (
    typeof a.id === "string" &&
    a.id.length > 0 &&
    a.id.length <= 64 &&
    a.by === identity.personId &&
    a.name === identity.name &&
    (a.orgId ?? null) === identity.organizationId &&
    (a.org ?? null) === identity.organization &&
    Object.keys(a).every((k) => ["id", "by", "name", "orgId", "org"].includes(k))
  );
}

export function suggestionAttrsOf(identity: SuggestionIdentity, id: string): SuggestionAttrs {
  return { id, by: identity.personId, name: identity.name, orgId: identity.organizationId, org: identity.organization };
}

/** One suggestion as listed beside the text and in the review forms. */
export interface SuggestionSummary {
  id: string;
  kind: SuggestionKind;
  by: string;
  name: string;
  orgId: string | null;
  org: string | null;
  /** The words inserted or deleted. */
  text: string;
}

/** "Ana Silva (Autism Europe)". */
export function suggesterLabel(s: { name: string; org: string | null }): string {
  return s.org ? `${s.name} (${s.org})` : s.name;
}
