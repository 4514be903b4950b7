import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "../../db/client";
import type { RevisionSummary } from "../../server/collab/service";
import { recordAudit } from "../../db/queries/audit";
import { getProposal, getProposalForUpdate, setProposalStatus } from "../../db/queries/proposals";
import {
  insertRound,
  listBallots,
  listEligibleOrganizations,
  listRoster,
  lockRound,
  setBallotResponse,
  updateRound,
} from "../../db/queries/rounds";
import { can, type Actor } from "../lib/permissions";
import { type RoundRule } from "../lib/round-outcome";
import { UserFacingError } from "./auth.server";
import { mailRoundCancelled, mailRoundOpened } from "../../server/domain/round-mail";
import { closeRound as closeRoundCommand } from "../../server/domain/rounds";
import { isUuid } from "../lib/uuid";

/** What the round workflow needs: a request's context, or the scheduler's services. */
export type RoundServices = Pick<AppLoadContext, "database" | "mail" | "env" | "log" | "collab" | "pages" | "roundEvents">;
type Person = RoundPerson;

export type RoundPerson = Actor & {
  id: string;
  name: string;
  organizationName: string | null;
};

export interface RoundSettings extends RoundRule {
  deadline: Date;
  membersSeeAnswers: boolean;
  instructions: string;
}

/** The proposal a round would open on: its id, title and status; null when there is none. */
export async function getProposalForRound(context: RoundServices, id: string) {
  if (!isUuid(id)) return null;
  const proposal = await getProposal(context.database.db, id);
  return proposal ? { id: proposal.id, title: proposal.title, status: proposal.status } : null;
}

/** Eligible organizations now, and those among them that have nobody who can vote. */
export async function previewRoster(context: RoundServices) {
  const eligible = await listEligibleOrganizations(context.database.db);
  return {
    eligible,
    withoutVoter: eligible.filter((o) => o.voters === 0).map((o) => o.name),
  };
}

/**
 * Opens a consensus round on a draft: every editor turns read-only, pending edits are committed, a
 * revision is taken, the roster is frozen, the round is created and the voters are told, or
 * nothing at all happens.
 */
export async function openRound(context: RoundServices, actor: Person, proposalId: string, settings: RoundSettings) {
  if (!can(actor, "round:manage")) throw new Response("Forbidden", { status: 403 });
  if (!isUuid(proposalId)) return null;
  const db = context.database.db;
  if (settings.deadline.getTime() <= Date.now()) {
    throw new UserFacingError("The deadline must be in the future.", 400, "deadline");
  }
  const proposal = await getProposal(db, proposalId);
  if (!proposal) return null;
  if (proposal.status !== "draft") {
    throw new UserFacingError("Only a draft can be put to a consensus round: this proposal is not a draft now.", 409);
  }
  const { revision, result } = await lockForRound(context, {
    proposalId,
    actorId: actor.id,
    label: "Text under vote",
    inTransaction: async (tx, revision) => {
      const roster = await listEligibleOrganizations(tx);
      if (roster.length === 0) {
        throw new UserFacingError(
          "No organization is eligible to vote (active voting members): the round cannot open with an empty roster.",
          409,
        );
      }
      const round = await insertRound(
        tx,
        {
          proposalId,
          revisionId: revision.id,
          deadline: settings.deadline,
          quorumNumerator: settings.quorumNumerator,
          quorumDenominator: settings.quorumDenominator,
          thresholdPercent: settings.thresholdPercent,
          membersSeeAnswers: settings.membersSeeAnswers,
          instructions: settings.instructions,
          openedById: actor.id,
        },
        roster,
      );
      await recordAudit(tx, {
        actorId: actor.id,
        action: "round.opened",
        subjectType: "round",
        subjectId: round.id,
        after: {
          proposalId,
          revision: revision.number,
          fingerprint: revision.fingerprint,
          deadline: settings.deadline,
          rule: {
            quorum: `${settings.quorumNumerator}/${settings.quorumDenominator}`,
            threshold: settings.thresholdPercent,
          },
          membersSeeAnswers: settings.membersSeeAnswers,
          roster: roster.map((o) => o.name),
        },
      });
      await mailRoundOpened(tx, context, {
        id: round.id,
        title: proposal.title,
        deadline: settings.deadline,
        instructions: settings.instructions,
        organizationIds: roster.map((o) => o.id),
      });
      return round;
    },
  });
  context.mail.nudge();
  return { round: result, revision };
}

/** Moves an open round's deadline later; the 24-hour reminder is armed again. */
export async function extendRound(context: RoundServices, actor: Person, roundId: string, deadline: Date) {
  if (!isUuid(roundId)) return null;
  const moved = await context.database.db.transaction(async (tx) => {
    const locked = await lockRound(tx, roundId, "update");
    if (!locked) return null;
    const { round, now } = locked;
    if (round.status !== "open") throw new UserFacingError("Only an open round's deadline can move.", 409);
    if (deadline <= round.deadline || deadline <= now) {
      throw new UserFacingError("The new deadline must be later than the current one.", 400, "deadline");
    }
    await updateRound(tx, roundId, { deadline, reminderSentAt: null });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "round.extended",
      subjectType: "round",
      subjectId: roundId,
      before: { deadline: round.deadline },
      after: { deadline },
    });
    return true;
  });
  if (moved) context.roundEvents.announce(roundId);
  return moved;
}

/** Cancels an open round: no outcome, ballots kept on record, the proposal a draft again. */
export async function cancelRound(context: RoundServices, actor: Person, roundId: string, reason: string) {
  if (!isUuid(roundId)) return null;
  const db = context.database.db;
  const done = await db.transaction(async (tx) => {
    const locked = await lockRound(tx, roundId, "update");
    if (!locked) return null;
    const { round, now } = locked;
    if (round.status !== "open") throw new UserFacingError("Only an open round can be cancelled.", 409);
    await updateRound(tx, roundId, {
      status: "cancelled",
      cancelledAt: now,
      cancelledById: actor.id,
      cancelReason: reason,
    });
    const proposal = await getProposalForUpdate(tx, round.proposalId);
    await setProposalStatus(tx, round.proposalId, "draft");
    const [roster, cast] = await Promise.all([listRoster(tx, roundId), listBallots(tx, roundId)]);
    await mailRoundCancelled(tx, context, {
      id: roundId,
      title: proposal?.title ?? "",
      reason,
      answered: cast.length,
      rosterSize: roster.length,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "round.cancelled",
      subjectType: "round",
      subjectId: roundId,
      after: { reason },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "proposal.unlocked",
      subjectType: "proposal",
      subjectId: round.proposalId,
      before: { status: "in_round" },
      after: { status: "draft", round: roundId },
    });
    return round.proposalId;
  });
  context.mail.nudge();
  if (done) {
    context.roundEvents.announce(roundId);
    await context.collab.recheckProposal(done);
  }
  return done;
}

/** The convener's outcome statement, after the close. */
export async function writeOutcomeStatement(context: RoundServices, actor: Person, roundId: string, statement: string) {
  if (!isUuid(roundId)) return null;
  return context.database.db.transaction(async (tx) => {
    const locked = await lockRound(tx, roundId, "update");
    if (!locked) return null;
    if (locked.round.status !== "closed") throw new UserFacingError("The outcome statement is written after the close.", 409);
    await updateRound(tx, roundId, {
      outcomeStatement: statement,
      outcomeStatementAt: locked.now,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "round.outcome_written",
      subjectType: "round",
      subjectId: roundId,
      before: { statement: locked.round.outcomeStatement },
      after: { statement },
    });
    return true;
  });
}

/** The convener's short response to one organization's Object or Block, after the close. */
export async function respondToObjection(context: RoundServices, actor: Person, roundId: string, organizationId: string, response: string) {
  if (!isUuid(roundId) || !isUuid(organizationId)) return null;
  return context.database.db.transaction(async (tx) => {
    const locked = await lockRound(tx, roundId, "update");
    if (!locked) return null;
    if (locked.round.status !== "closed") throw new UserFacingError("Responses are written after the close.", 409);
    if (!(await setBallotResponse(tx, roundId, organizationId, response, locked.now))) {
      throw new UserFacingError("Only an Object or a Block gets a response.", 400);
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "round.response_written",
      subjectType: "round",
      subjectId: roundId,
      after: { organizationId, response },
    });
    return true;
  });
}

/** Closes an open round now (a convener) — the command the scheduler also runs at the deadline. */
export function closeRound(context: RoundServices, roundId: string, closer: { id: string } | null) {
  return closeRoundCommand(context, roundId, closer);
}

/**
 * The collaboration server's lock; when it cannot lock (another server unreachable, the proposal
 * no longer a draft) its words reach the convener and nothing changed. By name: the server bundle
 * has its own copy of the error class.
 */
async function lockForRound<T>(
  context: RoundServices,
  input: { proposalId: string; actorId: string; label: string; inTransaction: (tx: Db, revision: RevisionSummary) => Promise<T> },
) {
  try {
    return await context.collab.lockProposalForRound(input);
  } catch (error) {
    if (error instanceof Error && error.name === "ProposalStateError") throw new UserFacingError(error.message, 409);
    throw error;
  }
}
