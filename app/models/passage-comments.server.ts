import type { AppLoadContext } from "@remix-run/node";
import { decodeBase64, encodeBase64 } from "@oslojs/encoding";
import * as Y from "yjs";
import { recordAudit } from "../../db/queries/audit";
import { listOrganizations } from "../../db/queries/organizations";
import { getThreadForUpdate, insertReply, insertThread, listThreads, setThreadResolved } from "../../db/queries/passage-comments";
import { listActivePeopleOfOrganization } from "../../db/queries/people";
import { getProposal, getProposalForUpdate } from "../../db/queries/proposals";
import { listRoundsOfProposal } from "../../db/queries/rounds";
import type { SessionPerson } from "../../db/queries/sessions";
import type { Db } from "../../db/client";
import { can } from "../lib/permissions";
import { formatInstant } from "../lib/time";
import { isUuid } from "../lib/uuid";
import { UserFacingError } from "./auth.server";
import { roundsOfProposal } from "./round-page.server";
import { readerTimeZone } from "./time-zone.server";
import { absoluteUrl, queueMails } from "./mail.server";
import { proposalResource } from "./suggestions.server";

/** An anchor as posted by the editor: a Yjs relative position, base64. Checked, never trusted. */
function decodeAnchor(value: string, field: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(value);
    if (bytes.byteLength === 0 || bytes.byteLength > 256) throw new Error("size");
    Y.decodeRelativePosition(bytes);
  } catch {
    throw new UserFacingError("Select the words again, then add your comment.", 400, field);
  }
  return bytes;
}

async function openRoundOf(db: Db, proposalId: string): Promise<string | null> {
  const rounds = await listRoundsOfProposal(db, proposalId);
  return rounds.find((r) => r.status === "open")?.id ?? null;
}

/**
 * Organizations named with `@` and their name in a comment ("@Autism Europe"): their active
 * representatives get a mail (in the caller's transaction). Used by both kinds of comment: on a
 * passage and in the discussion under the proposal.
 */
export async function notifyMentions(
  tx: Db,
  context: AppLoadContext,
  input: { body: string; author: SessionPerson; proposalId: string; title: string },
): Promise<string[]> {
  const text = input.body.toLocaleLowerCase();
  const mentioned = (await listOrganizations(tx)).filter((o) => o.status === "active" && text.includes(`@${o.name.toLocaleLowerCase()}`));
  const url = absoluteUrl(context, `/app/proposals/${input.proposalId}`);
  for (const organization of mentioned) {
    const recipients = (await listActivePeopleOfOrganization(tx, organization.id)).filter((p) => p.id !== input.author.id);
    await queueMails(
      tx,
      context,
      recipients.map((p) => ({
        to: p.email,
        subject: `${input.author.name} mentioned ${organization.name} on “${input.title}”`,
        body: `${input.author.name}${input.author.organizationName ? ` (${input.author.organizationName})` : ""} wrote:\n\n${input.body}\n\nRead and answer: ${url}\n`,
      })),
    );
  }
  return mentioned.map((o) => o.id);
}

/** Starts a thread on the selected passage. Comments stay open during a round, tagged with it. */
export async function startPassageThread(
  context: AppLoadContext,
  person: SessionPerson,
  proposalId: string,
  input: { anchorFrom: string; anchorTo: string; quote: string; body: string },
) {
  if (!isUuid(proposalId)) return null;
  if (!can(person, "comment:write")) throw new UserFacingError("You cannot comment now.", 403);
  const anchorFrom = decodeAnchor(input.anchorFrom, "body");
  const anchorTo = decodeAnchor(input.anchorTo, "body");
  return context.database.db.transaction(async (tx) => {
    const proposal = await getProposalForUpdate(tx, proposalId);
    if (!proposal) return null;
    const roundId = await openRoundOf(tx, proposalId);
    const thread = await insertThread(tx, {
      proposalId,
      authorId: person.id,
      organizationId: person.organizationId,
      anchorFrom,
      anchorTo,
      quote: input.quote,
      roundId,
      body: input.body,
    });
    const mentions = await notifyMentions(tx, context, { body: input.body, author: person, proposalId, title: proposal.title });
    await recordAudit(tx, {
      actorId: person.id,
      action: "passage-comment.created",
      subjectType: "proposal",
      subjectId: proposalId,
      after: { threadId: thread.id, quote: input.quote, roundId, mentions },
    });
    return thread;
  });
}

export async function replyToThread(context: AppLoadContext, person: SessionPerson, proposalId: string, threadId: string, body: string) {
  if (!isUuid(proposalId) || !isUuid(threadId)) return null;
  if (!can(person, "comment:write")) throw new UserFacingError("You cannot comment now.", 403);
  return context.database.db.transaction(async (tx) => {
    const thread = await getThreadForUpdate(tx, proposalId, threadId);
    const proposal = thread && (await getProposal(tx, proposalId));
    if (!thread || !proposal) return null;
    const roundId = await openRoundOf(tx, proposalId);
    await insertReply(tx, { threadId, authorId: person.id, organizationId: person.organizationId, body, roundId });
    const mentions = await notifyMentions(tx, context, { body, author: person, proposalId, title: proposal.title });
    await recordAudit(tx, {
      actorId: person.id,
      action: "passage-comment.replied",
      subjectType: "proposal",
      subjectId: proposalId,
      after: { threadId, roundId, mentions },
    });
    return true;
  });
}

/** A reviewer (sponsor or convener) or the thread's author resolves a thread, or reopens it. */
export async function resolveThread(
  context: AppLoadContext,
  person: SessionPerson,
  proposalId: string,
  threadId: string,
  resolved: boolean,
) {
  if (!isUuid(proposalId) || !isUuid(threadId)) return null;
  const proposal = await getProposal(context.database.db, proposalId);
  if (!proposal) return null;
  const reviewer = can(person, "proposal:review", await proposalResource(context, proposal));
  return context.database.db.transaction(async (tx) => {
    const thread = await getThreadForUpdate(tx, proposalId, threadId);
    if (!thread) return null;
    if (!reviewer && thread.authorId !== person.id) {
      throw new UserFacingError("Only the thread's author, conveners and the lead and co-sponsoring organizations resolve comments.", 403);
    }
    if (Boolean(thread.resolvedAt) === resolved) return true;
    await setThreadResolved(tx, threadId, resolved ? person.id : null);
    await recordAudit(tx, {
      actorId: person.id,
      action: resolved ? "passage-comment.resolved" : "passage-comment.reopened",
      subjectType: "proposal",
      subjectId: proposalId,
      after: { threadId },
    });
    return true;
  });
}

/** The threads shown beside a proposal's text (anchors as base64 for the editor). */
export async function listPassageThreads(context: AppLoadContext, person: SessionPerson, proposalId: string, canReview: boolean) {
  const zone = await readerTimeZone(context, person);
  const rounds = await roundsOfProposal(context, proposalId);
  const roundLabel = (id: string | null) => {
    const round = id ? rounds.find((r) => r.id === id) : undefined;
    return round ? `during the round opened ${formatInstant(round.openedAt, zone)}` : null;
  };
  return (await listThreads(context.database.db, proposalId)).map((t) => ({
    id: t.id,
    anchorFrom: encodeBase64(t.anchorFrom),
    anchorTo: encodeBase64(t.anchorTo),
    quote: t.quote,
    round: roundLabel(t.roundId),
    resolved: t.resolvedAt ? { by: t.resolvedByName ?? "someone", when: formatInstant(t.resolvedAt, zone) } : null,
    canResolve: canReview || t.authorId === person.id,
    comments: t.comments.map((c) => ({
      id: c.id,
      body: c.body,
      authorName: c.authorName,
      organizationName: c.organizationName,
      when: formatInstant(c.createdAt, zone),
      round: roundLabel(c.roundId),
    })),
  }));
}
