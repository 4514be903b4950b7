import type { AppLoadContext } from "@remix-run/node";
import { recordAudit } from "../../db/queries/audit";
import { getProposal, getProposalForUpdate, listSponsors, setOpenEditing } from "../../db/queries/proposals";
import type { SessionPerson } from "../../db/queries/sessions";
import { can, type Resource } from "../lib/permissions";
import type { SuggestionSummary } from "../lib/suggestions";
import { isUuid } from "../lib/uuid";
import { UserFacingError } from "./auth.server";

/** The proposal as the permission table sees it: its sponsors and drafting rule. */
export async function proposalResource(
  context: AppLoadContext,
  proposal: { id: string; leadOrganizationId: string; openEditing: boolean },
) {
  const sponsors = await listSponsors(context.database.db, proposal.id);
  return {
    sponsorOrganizationIds: [proposal.leadOrganizationId, ...sponsors.map((s) => s.id)],
    openEditing: proposal.openEditing,
  } satisfies Resource;
}

export type SuggestionDecision = "accept" | "reject" | "withdraw";

const auditAction: Record<SuggestionDecision, string> = {
  accept: "proposal.suggestion.accepted",
  reject: "proposal.suggestion.rejected",
  withdraw: "proposal.suggestion.withdrawn",
};

/**
 * Accepts or rejects suggestions (a reviewer: the lead or a co-sponsor, or a convener), or
 * withdraws one's own (the suggester). Chosen by id, or all of one organization's at once. Each
 * resolved suggestion is audited: who, whose suggestion, the words.
 */
export async function resolveProposalSuggestions(
  context: AppLoadContext,
  person: SessionPerson,
  proposalId: string,
  input: { decision: SuggestionDecision; suggestionIds: string[]; organizationId?: string },
): Promise<{ resolved: number } | null> {
  if (!isUuid(proposalId)) return null;
  const proposal = await getProposal(context.database.db, proposalId);
  if (!proposal) return null;
  if (proposal.status !== "draft") throw new UserFacingError("Only a draft's suggestions can be accepted or rejected.", 409);
  const resource = await proposalResource(context, proposal);
  if (input.decision !== "withdraw" && !can(person, "proposal:review", resource)) {
    throw new UserFacingError("Only conveners and the lead and co-sponsoring organizations accept or reject suggestions.", 403);
  }
  const open = (await context.collab.listSuggestions(proposalId)) ?? [];
  let chosen: SuggestionSummary[];
  if (input.organizationId) chosen = open.filter((s) => s.orgId === input.organizationId);
  else {
    const ids = new Set(input.suggestionIds);
    chosen = open.filter((s) => ids.has(s.id));
  }
  if (input.decision === "withdraw" && chosen.some((s) => s.by !== person.id)) {
    throw new UserFacingError("You can withdraw only your own suggestions.", 403);
  }
  if (chosen.length === 0) throw new UserFacingError("That suggestion is no longer open: someone may have resolved it already.", 409);
  const resolved = await context.collab.resolveSuggestions({
    proposalId,
    authorId: person.id,
    ids: chosen.map((s) => s.id),
    accept: input.decision === "accept",
  });
  if (resolved === null) throw new UserFacingError("This proposal's text cannot change now.", 409);
  await context.database.db.transaction(async (tx) => {
    for (const s of resolved) {
      await recordAudit(tx, {
        actorId: person.id,
        action: auditAction[input.decision],
        subjectType: "proposal",
        subjectId: proposalId,
        after: { suggestion: s.id, kind: s.kind, suggesterId: s.by, suggester: s.name, organization: s.org, words: s.text },
      });
    }
  });
  return { resolved: resolved.length };
}

/** A convener opens one draft to direct editing by every member organization, or closes it. Audited. */
export async function changeOpenEditing(context: AppLoadContext, person: SessionPerson, proposalId: string, open: boolean) {
  if (!isUuid(proposalId)) return null;
  if (!can(person, "proposal:open-editing")) throw new UserFacingError("Only conveners decide who edits a draft directly.", 403);
  const changed = await context.database.db.transaction(async (tx) => {
    const proposal = await getProposalForUpdate(tx, proposalId);
    if (!proposal) return null;
    if (proposal.openEditing === open) return { changed: false };
    await setOpenEditing(tx, proposalId, open);
    await recordAudit(tx, {
      actorId: person.id,
      action: open ? "proposal.editing.opened" : "proposal.editing.closed",
      subjectType: "proposal",
      subjectId: proposalId,
      before: { openEditing: proposal.openEditing },
      after: { openEditing: open },
    });
    return { changed: true };
  });
  // Live connections follow at once (suggesting ones may now edit, or the other way round).
  if (changed) await context.collab.recheckProposal(proposalId);
  return changed;
}
