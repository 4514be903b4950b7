import type { Database } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { getProposal, getProposalForUpdate, setProposalStatus } from "../../db/queries/proposals";
import {
  claimReminder,
  listBallots,
  listRoster,
  listSilentOrganizations,
  lockRound,
  markRosterSuspended,
  updateRound,
} from "../../db/queries/rounds";
import { computeOutcome } from "../../app/lib/round-outcome";
import { isUuid } from "../../app/lib/uuid";
import type { CollabService } from "../collab/service";
import type { RoundEvents } from "../round-events";
import type { MailServices } from "./mail";
import { mailReminder, mailRoundOutcome } from "./round-mail";

/**
 * The round commands that run with no request (the scheduler) as well as from the round page:
 * framework-free, so server/jobs/ imports them without importing app/models.
 */
export type RoundCommandServices = MailServices & {
  database: Pick<Database, "db">;
  collab: Pick<CollabService, "recheckProposal">;
  roundEvents: Pick<RoundEvents, "announce">;
};

/**
 * Closes an open round: by a convener now, or by the scheduler at its deadline (recorded at the
 * deadline whatever the scheduler's delay). Idempotent: closing a round that is no longer open
 * changes nothing and returns false.
 */
export async function closeRound(context: RoundCommandServices, roundId: string, closer: { id: string } | null) {
  if (!isUuid(roundId)) return null;
  const db = context.database.db;
  const outcome = await db.transaction(async (tx) => {
    const locked = await lockRound(tx, roundId, "update");
    if (!locked) return null;
    const { round, now } = locked;
    if (round.status !== "open") return false;
    if (!closer && now < round.deadline) return false;
    const closedAt = closer ? now : round.deadline;
    const roster = await listRoster(tx, roundId);
    const suspended = roster.filter((r) => r.currentStatus !== "active").map((r) => r.organizationId);
    await markRosterSuspended(tx, roundId, suspended);
    const ballots = await listBallots(tx, roundId);
    const result = computeOutcome(
      roster.map((r) => ({
        organizationId: r.organizationId,
        name: r.organizationName,
        suspended: suspended.includes(r.organizationId),
      })),
      ballots.map((b) => ({
        organizationId: b.ballot.organizationId,
        option: b.ballot.option,
      })),
      {
        quorumNumerator: round.quorumNumerator,
        quorumDenominator: round.quorumDenominator,
        thresholdPercent: round.thresholdPercent,
      },
    );
    await updateRound(tx, roundId, {
      status: "closed",
      closedAt,
      closedById: closer?.id ?? null,
      outcome: result.outcome,
      explanation: result.explanation,
      tally: result.tally,
    });
    const proposal = await getProposalForUpdate(tx, round.proposalId);
    const nextStatus = result.outcome === "adopted" ? "adopted" : "draft";
    await setProposalStatus(tx, round.proposalId, nextStatus);
    await recordAudit(tx, {
      actorId: closer?.id ?? null,
      action: "round.closed",
      subjectType: "round",
      subjectId: roundId,
      after: {
        closedAt,
        by: closer ? "convener" : "deadline",
        outcome: result.outcome,
        explanation: result.explanation,
      },
    });
    await recordAudit(tx, {
      actorId: closer?.id ?? null,
      action: nextStatus === "adopted" ? "proposal.status.adopted" : "proposal.unlocked",
      subjectType: "proposal",
      subjectId: round.proposalId,
      before: { status: proposal?.status },
      after: { status: nextStatus, round: roundId },
    });
    await mailRoundOutcome(tx, context, {
      id: roundId,
      title: proposal?.title ?? "",
      outcome: result.outcome,
      explanation: result.explanation,
    });
    return { proposalId: round.proposalId, outcome: result.outcome };
  });
  context.mail.nudge();
  if (outcome) {
    context.roundEvents.announce(roundId);
    await context.collab.recheckProposal(outcome.proposalId);
  }
  return outcome;
}

/**
 * Reminds the voters of organizations that have not answered, 24 hours before the deadline:
 * claimed and sent in one transaction, so exactly once with any number of processes (false when
 * another process has it, or it is no longer due).
 */
export async function sendReminder(context: RoundCommandServices, roundId: string, aheadMs: number): Promise<boolean> {
  const db = context.database.db;
  const sent = await db.transaction(async (tx) => {
    const round = await claimReminder(tx, roundId, aheadMs);
    if (!round) return false;
    const silent = await listSilentOrganizations(tx, round.id);
    const proposal = await getProposal(tx, round.proposalId);
    await mailReminder(tx, context, {
      id: round.id,
      title: proposal?.title ?? "a proposal",
      deadline: round.deadline,
      organizationIds: silent,
    });
    await recordAudit(tx, {
      actorId: null,
      action: "round.reminded",
      subjectType: "round",
      subjectId: round.id,
      after: { organizations: silent.length },
    });
    return true;
  });
  if (sent) context.mail.nudge();
  return sent;
}
