import type { AppLoadContext } from "@remix-run/node";
import { recordAudit } from "../../db/queries/audit";
import { addComment, countComments, editComment, getCommentForUpdate, hideComment, listCommentsPage } from "../../db/queries/comments";
import { listOrganizations } from "../../db/queries/organizations";
import {
  countRevisions,
  createProposal,
  getProposal,
  getProposalBody,
  getProposalForUpdate,
  getRevision,
  listProposals,
  listRevisions,
  listSponsors,
  listSponsorsOf,
  setSponsors,
  updateProposal,
  type ProposalFilter,
} from "../../db/queries/proposals";
import type { SessionPerson } from "../../db/queries/sessions";
import type { PillarKey, ProposalStatus } from "../../db/schema";
import { colorFor } from "../../server/collab/awareness";
import { sanitizeBodyHtml } from "../../server/collab/derive";
import { blocksOf, blocksOfText, diffBlocks, type Block, type BlockDiff, type DocNode } from "../lib/block-diff";
import { attributedBlocksOf, attributedDiff, changeAuthorsOf, onlyChangesOf } from "../lib/authorship";
import { authorshipRecordOf, currentDocumentState } from "./authorship.server";
import { notifyMentions } from "./passage-comments.server";
import { can } from "../lib/permissions";
import { draftingMode, draftingRuleText } from "../lib/drafting";
import { formatInstant } from "../lib/time";
import { UserFacingError } from "./auth.server";
import { readerTimeZone } from "./time-zone.server";
import { isUuid } from "../lib/uuid";
import { loadKeysetPage, type Cursor } from "../lib/paging";

/** How long an author may change their comment. */
export const COMMENT_EDIT_WINDOW_MS = 15 * 60 * 1000;

export const statusLabels: Record<ProposalStatus, string> = {
  draft: "Draft",
  in_round: "In a consensus round",
  adopted: "Adopted",
  archived: "Archived",
};

/** Whether a person may change a proposal now (the permission table and the status). */
export function canEditProposal(person: SessionPerson, status: ProposalStatus): boolean {
  return status === "draft" && can(person, "proposal:edit");
}

/** Why a person may only read (words shown above the editor), or null when they may edit. */
export function readOnlyReason(person: SessionPerson, status: ProposalStatus): string | null {
  if (status === "in_round") return "This proposal is locked while its consensus round is open: the text cannot change.";
  if (status === "adopted") return "This proposal was adopted: its text can no longer change.";
  if (status === "archived") return "This proposal is archived: its text can no longer change.";
  if (!can(person, "proposal:edit")) {
    return person.organizationStatus === "suspended"
      ? `${person.organizationName ?? "Your organization"} is suspended: you can read this proposal, but not edit it.`
      : "You can read this proposal, but not edit it.";
  }
  return null;
}

export async function listProposalsForReader(context: AppLoadContext, person: SessionPerson, filter: ProposalFilter) {
  const db = context.database.db;
  const zone = await readerTimeZone(context, person);
  const rows = await listProposals(db, filter);
  const sponsors = await listSponsorsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    summary: r.summary,
    pillars: r.pillars,
    status: r.status,
    leadOrganizationName: r.leadOrganizationName,
    sponsors: sponsors.filter((s) => s.proposalId === r.id).map((s) => s.name),
    updatedAt: r.updatedAt.toISOString(),
    lastChange: formatInstant(r.updatedAt, zone),
  }));
}

/** Proposals led or co-sponsored by the person's organization, or started by them (dashboard). */
export async function listMyProposals(context: AppLoadContext, person: SessionPerson) {
  return listProposalsForReader(context, person, {
    involving: { organizationId: person.organizationId, personId: person.id },
    limit: 20,
  });
}

export async function listOrganizationChoices(context: AppLoadContext) {
  const organizations = await listOrganizations(context.database.db);
  return organizations.filter((o) => o.status !== "left").map((o) => ({ value: o.id, label: o.name }));
}

export interface ProposalInput {
  title: string;
  summary: string;
  pillars: PillarKey[];
  leadOrganizationId?: string;
  sponsorIds: string[];
}

async function checkOrganizations(context: AppLoadContext, ids: string[], field: string) {
  const known = new Set((await listOrganizations(context.database.db)).filter((o) => o.status !== "left").map((o) => o.id));
  if (ids.some((id) => !known.has(id))) throw new UserFacingError("Choose organizations from the list.", 400, field);
}

/** Creates a draft: the lead organization is the author's own, or a convener's choice. */
export async function startProposal(context: AppLoadContext, person: SessionPerson, input: ProposalInput) {
  if (!can(person, "proposal:create")) throw new UserFacingError("You cannot start a proposal now.", 403);
  const leadOrganizationId = person.role === "convener" ? input.leadOrganizationId : person.organizationId;
  if (!leadOrganizationId) throw new UserFacingError("Choose the lead organization.", 400, "leadOrganizationId");
  await checkOrganizations(context, [leadOrganizationId], "leadOrganizationId");
  const sponsorIds = input.sponsorIds.filter((id) => id !== leadOrganizationId);
  await checkOrganizations(context, sponsorIds, "sponsorIds");
  return context.database.db.transaction(async (tx) => {
    const proposal = await createProposal(tx, {
      title: input.title,
      summary: input.summary,
      pillars: input.pillars,
      leadOrganizationId,
      createdById: person.id,
    });
    await setSponsors(tx, proposal.id, sponsorIds);
    await recordAudit(tx, {
      actorId: person.id,
      action: "proposal.created",
      subjectType: "proposal",
      subjectId: proposal.id,
      after: { title: input.title, summary: input.summary, pillars: input.pillars, leadOrganizationId, sponsorIds },
    });
    return proposal;
  });
}

/** Title, summary, pillars, sponsors (and, for conveners, the lead organization); audited. */
export async function changeProposalDetails(context: AppLoadContext, person: SessionPerson, id: string, input: ProposalInput) {
  if (!isUuid(id)) return null;
  await checkOrganizations(context, input.sponsorIds, "sponsorIds");
  if (input.leadOrganizationId && person.role === "convener") {
    await checkOrganizations(context, [input.leadOrganizationId], "leadOrganizationId");
  }
  return context.database.db.transaction(async (tx) => {
    // Locked: a round's lock cannot slip between the status check and the change.
    const before = await getProposalForUpdate(tx, id);
    if (!before) return null;
    if (!canEditProposal(person, before.status)) {
      throw new UserFacingError(readOnlyReason(person, before.status) ?? "You cannot change this proposal.", 409);
    }
    const leadOrganizationId =
      person.role === "convener" && input.leadOrganizationId ? input.leadOrganizationId : before.leadOrganizationId;
    const sponsorIds = [...new Set(input.sponsorIds.filter((s) => s !== leadOrganizationId))].sort();
    const beforeSponsors = (await listSponsors(tx, id)).map((s) => s.id).sort();
    const fields = { title: input.title, summary: input.summary, pillars: input.pillars, leadOrganizationId };
    const changedBefore: Record<string, unknown> = {};
    const changedAfter: Record<string, unknown> = {};
    for (const key of Object.keys(fields) as (keyof typeof fields)[]) {
      if (JSON.stringify(before[key]) !== JSON.stringify(fields[key])) {
        changedBefore[key] = before[key];
        changedAfter[key] = fields[key];
      }
    }
    if (JSON.stringify(beforeSponsors) !== JSON.stringify(sponsorIds)) {
      changedBefore.sponsorIds = beforeSponsors;
      changedAfter.sponsorIds = sponsorIds;
    }
    if (Object.keys(changedAfter).length === 0) return { changed: false };
    await updateProposal(tx, id, fields);
    await setSponsors(tx, id, sponsorIds);
    await recordAudit(tx, {
      actorId: person.id,
      action: "proposal.updated",
      subjectType: "proposal",
      subjectId: id,
      before: changedBefore,
      after: changedAfter,
    });
    return { changed: true };
  });
}

/** Comments on one page of a proposal's discussion. */
export const COMMENTS_PAGE_SIZE = 50;

/**
 * The proposal page: details, sponsors, one page of the discussion (the latest comments unless
 * `commentsCursor` points further back), what the reader may do. Null when missing.
 */
export async function getProposalPage(context: AppLoadContext, person: SessionPerson, id: string, commentsCursor: Cursor<string> = null) {
  if (!isUuid(id) || !can(person, "proposal:read")) return null;
  const db = context.database.db;
  const proposal = await getProposal(db, id);
  if (!proposal) return null;
  const zone = await readerTimeZone(context, person);
  const mayHide = can(person, "comment:hide");
  const [sponsors, commentPage, commentCounts, revisionCount] = await Promise.all([
    listSponsors(db, id),
    loadKeysetPage(commentsCursor, COMMENTS_PAGE_SIZE, (cursor, limit) => listCommentsPage(db, id, { cursor, limit, withHidden: mayHide })),
    countComments(db, id),
    countRevisions(db, id),
  ]);
  const now = Date.now();
  const resource = {
    sponsorOrganizationIds: [proposal.leadOrganizationId, ...sponsors.map((s) => s.id)],
    openEditing: proposal.openEditing,
  };
  return {
    proposal: {
      id: proposal.id,
      title: proposal.title,
      summary: proposal.summary,
      pillars: proposal.pillars,
      status: proposal.status,
      statusLabel: statusLabels[proposal.status],
      leadOrganizationId: proposal.leadOrganizationId,
      leadOrganizationName: proposal.leadOrganizationName,
      lastChange: formatInstant(proposal.updatedAt, zone),
      // Stored sanitized; sanitized again here so the page never trusts the database with HTML.
      bodyHtml: renderSanitized(proposal.bodyHtml),
    },
    sponsors,
    drafting: {
      mode: proposal.status === "draft" ? draftingMode(person, resource) : ("read" as const),
      canReview: proposal.status === "draft" && can(person, "proposal:review", resource),
      /** Lead, co-sponsor or convener, whatever the status (resolving comments). */
      reviewer: can(person, "proposal:review", resource),
      openEditing: proposal.openEditing,
      rule: draftingRuleText(proposal.openEditing),
      canChangeRule: proposal.status === "draft" && can(person, "proposal:open-editing"),
    },
    revisionCount,
    canEdit: canEditProposal(person, proposal.status),
    readOnlyReason: readOnlyReason(person, proposal.status),
    canComment: can(person, "comment:write"),
    canChangeLead: person.role === "convener" && proposal.status === "draft",
    editorUser: {
      personId: person.id,
      name: person.name,
      organizationId: person.organizationId,
      organization: person.organizationName ?? (person.role === "convener" ? "Convener" : null),
      color: colorFor(person.id),
    },
    /** Oldest first within the page; the page itself is the latest unless the reader went back. */
    comments: [...commentPage.rows].reverse().map((c) => ({
      id: c.id,
      body: c.body,
      authorName: c.authorName,
      organizationName: c.organizationName,
      at: c.createdAt.toISOString(),
      when: formatInstant(c.createdAt, zone),
      edited: c.editedAt ? formatInstant(c.editedAt, zone) : null,
      hidden: c.hiddenAt ? { reason: c.hideReason ?? "", by: c.hiddenByName ?? "a convener" } : null,
      canEdit:
        c.authorId === person.id && !c.hiddenAt && now - c.createdAt.getTime() < COMMENT_EDIT_WINDOW_MS && can(person, "comment:write"),
      canHide: mayHide && !c.hiddenAt,
    })),
    commentPage: { newer: commentPage.newer, older: commentPage.older },
    /** Comments the reader can read in the whole discussion. */
    commentCount: commentCounts.shown + (mayHide ? commentCounts.hidden : 0),
    /** Hidden comments the reader does not see (conveners see them, marked). */
    hiddenFromReader: mayHide ? 0 : commentCounts.hidden,
  };
}

function renderSanitized(html: string): string {
  return html ? sanitizeBodyHtml(html) : "";
}

/** Stores a named revision of the committed text. */
export async function saveVersion(context: AppLoadContext, person: SessionPerson, id: string, label: string) {
  if (!isUuid(id)) return null;
  const proposal = await getProposal(context.database.db, id);
  if (!proposal) return null;
  if (!canEditProposal(person, proposal.status)) {
    throw new UserFacingError(readOnlyReason(person, proposal.status) ?? "You cannot save a version.", 409);
  }
  return context.collab.saveRevision({ proposalId: id, authorId: person.id, label });
}

export async function postComment(context: AppLoadContext, person: SessionPerson, id: string, body: string) {
  if (!isUuid(id)) return null;
  if (!can(person, "comment:write")) throw new UserFacingError("You cannot comment now.", 403);
  return context.database.db.transaction(async (tx) => {
    const proposal = await getProposalForUpdate(tx, id);
    if (!proposal) return null;
    const comment = await addComment(tx, { proposalId: id, authorId: person.id, organizationId: person.organizationId, body });
    const mentions = await notifyMentions(tx, context, { body, author: person, proposalId: id, title: proposal.title });
    await recordAudit(tx, {
      actorId: person.id,
      action: "comment.created",
      subjectType: "proposal",
      subjectId: id,
      after: { commentId: comment.id, mentions },
    });
    return comment;
  });
}

/** The author changes their comment, within 15 minutes of writing it. */
export async function reviseComment(context: AppLoadContext, person: SessionPerson, id: string, commentId: string, body: string) {
  if (!isUuid(id) || !isUuid(commentId)) return null;
  return context.database.db.transaction(async (tx) => {
    const comment = await getCommentForUpdate(tx, id, commentId);
    if (!comment) return null;
    if (comment.authorId !== person.id || !can(person, "comment:write") || comment.hiddenAt) {
      throw new UserFacingError("You can change only your own comments.", 403);
    }
    if (Date.now() - comment.createdAt.getTime() >= COMMENT_EDIT_WINDOW_MS) {
      throw new UserFacingError("A comment can be changed for 15 minutes after it is written.", 409, "body");
    }
    await editComment(tx, commentId, body);
    await recordAudit(tx, {
      actorId: person.id,
      action: "comment.edited",
      subjectType: "proposal",
      subjectId: id,
      before: { commentId, body: comment.body },
      after: { commentId, body },
    });
    return true;
  });
}

/** A convener hides a comment with a reason; the reason and the text are kept in the audit. */
export async function hideProposalComment(context: AppLoadContext, person: SessionPerson, id: string, commentId: string, reason: string) {
  if (!isUuid(id) || !isUuid(commentId)) return null;
  if (!can(person, "comment:hide")) throw new UserFacingError("Only conveners can hide comments.", 403);
  return context.database.db.transaction(async (tx) => {
    const comment = await getCommentForUpdate(tx, id, commentId);
    if (!comment) return null;
    if (comment.hiddenAt) return true;
    await hideComment(tx, commentId, person.id, reason);
    await recordAudit(tx, {
      actorId: person.id,
      action: "comment.hidden",
      subjectType: "proposal",
      subjectId: id,
      before: { commentId, body: comment.body },
      after: { commentId, reason },
    });
    return true;
  });
}

/** Revisions of a proposal and, when two are named, their difference block by block (app/lib/block-diff). */
export async function getProposalHistory(
  context: AppLoadContext,
  person: SessionPerson,
  id: string,
  compare: { from?: string | null; to?: string | null; organization?: string | null },
) {
  if (!isUuid(id) || !can(person, "proposal:read")) return null;
  const db = context.database.db;
  const proposal = await getProposal(db, id);
  if (!proposal) return null;
  const zone = await readerTimeZone(context, person);
  const revisions = await listRevisions(db, id);
  const list = revisions.map((r) => ({
    id: r.id,
    number: r.number,
    label: r.label,
    fingerprint: r.fingerprint,
    when: formatInstant(r.createdAt, zone),
  }));
  type Meta = (typeof list)[number] | { id: "current"; number: null; label: string };
  let diff: (BlockDiff & { from: Meta; to: Meta; authors: ReturnType<typeof changeAuthorsOf> }) | null = null;
  const textOf = async (which: string): Promise<{ blocks: Block[]; state: Uint8Array | null; meta: Meta } | null> => {
    if (which === "current") {
      const body = await getProposalBody(db, id);
      return body
        ? {
            blocks: storedBlocks(body.json, body.text),
            state: await currentDocumentState(context, id),
            meta: { id: "current", number: null, label: "Current text" },
          }
        : null;
    }
    if (!isUuid(which)) return null;
    const revision = await getRevision(db, id, which);
    const meta = list.find((r) => r.id === which);
    return revision && meta ? { blocks: storedBlocks(revision.prosemirrorJson, revision.text), state: revision.yjsState, meta } : null;
  };
  if (compare.from && compare.to) {
    const [a, b] = await Promise.all([textOf(compare.from), textOf(compare.to)]);
    if (a && b) {
      // Who changed what, when both versions are Yjs states of this document (they always are
      // since revisions keep theirs); the plain comparison otherwise.
      const attributed = a.state && b.state ? { before: attributedBlocksOf(a.state), after: attributedBlocksOf(b.state) } : null;
      const order = (m: Meta) => m.number ?? Number.POSITIVE_INFINITY;
      let compared = attributed
        ? attributedDiff(attributed.before, attributed.after, await authorshipRecordOf(context, id), order(a.meta) <= order(b.meta))
        : diffBlocks(a.blocks, b.blocks);
      const authors = changeAuthorsOf(compared);
      if (compare.organization && authors.some((x) => x.organizationId === compare.organization)) {
        compared = onlyChangesOf(compared, compare.organization);
      }
      diff = { from: a.meta, to: b.meta, ...compared, authors };
    }
  }
  return { proposal: { id: proposal.id, title: proposal.title, status: proposal.status }, revisions: list, diff };
}

/** The blocks of a stored text: from its ProseMirror JSON, or from its plain text if that has none. */
function storedBlocks(json: unknown, text: string): Block[] {
  const blocks = json && typeof json === "object" ? blocksOf(json as DocNode) : [];
  return blocks.length > 0 || text.trim() === "" ? blocks : blocksOfText(text);
}
