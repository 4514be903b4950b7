import type { AppLoadContext } from "@remix-run/node";
import { recordAudit } from "../../db/queries/audit";
import { DEFAULT_TIME_ZONE, getCoalitionTimeZone } from "../../db/queries/coalition";
import { getProposal, getProposalForUpdate, setProposalStatus } from "../../db/queries/proposals";
import {
  getRound,
  insertRound,
  listBallotHistory,
  listBallots,
  listEligibleOrganizations,
  listRoster,
  listRoundsOfProposal,
  listSilentOrganizations,
  listVoters,
  lockRound,
  lockRoundForBallot,
  markRosterSuspended,
  setBallotResponse,
  updateRound,
  upsertBallot,
  type BallotOptionKey,
} from "../../db/queries/rounds";
import { can, type Actor } from "../lib/permissions";
import {
  ballotOptionLabels,
  computeOutcome,
  reasonRequired,
  ruleInWords,
  stillNeeded,
  supportOptions,
  tally,
  type RoundRule,
} from "../lib/round-outcome";
import { formatInstant, instantToZonedLocal } from "../lib/time";
import { UserFacingError } from "./auth.server";
import { absoluteUrl, queueMail, queueMails } from "./mail.server";
import { isUuid } from "../lib/uuid";

/** What the round workflow needs: a request's context, or the scheduler's services. */
export type RoundServices = Pick<AppLoadContext, "database" | "mail" | "env" | "log" | "collab" | "pages">;

type Person = Actor & {
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
  const { revision, result } = await context.collab.lockProposalForRound({
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
      const zone = await getCoalitionTimeZone(tx);
      const link = absoluteUrl(context, `/app/rounds/${round.id}`);
      for (const voter of await listVoters(
        tx,
        roster.map((o) => o.id),
      )) {
        await queueMail(tx, context, {
          to: voter.email,
          subject: `Consensus round open: ${proposal.title}`,
          body: [
            `Hello ${voter.name},`,
            "",
            `A consensus round is open on "${proposal.title}". Your organization's ballot is due by ${formatInstant(settings.deadline, voter.timeZone ?? zone)}.`,
            settings.instructions ? `\nInstructions from the convener:\n${settings.instructions}\n` : "",
            `Read the text and cast your organization's ballot: ${link}`,
          ].join("\n"),
        });
      }
      return round;
    },
  });
  context.mail.nudge();
  return { round: result, revision };
}

export interface BallotChoice {
  option: BallotOptionKey;
  reason: string;
  listPublicly: boolean;
}

/**
 * Casts or changes an organization's ballot. The organization is always the voter's own (never
 * taken from the form); a convener may record one for any organization on the roster, with a note.
 * The round's row is read FOR SHARE and the deadline checked against the database's clock after
 * the lock, so a ballot is either committed before the close or refused.
 */
export async function castBallot(
  context: RoundServices,
  actor: Person,
  roundId: string,
  choice: BallotChoice,
  recorded?: { organizationId: string; note: string },
) {
  if (!isUuid(roundId)) return null;
  const organizationId = recorded ? recorded.organizationId : actor.organizationId;
  if (recorded ? !can(actor, "ballot:record") : !can(actor, "ballot:cast", { organizationId })) {
    throw new UserFacingError(
      actor.organizationStatus && actor.organizationStatus !== "active"
        ? "Your organization is suspended: its ballot can no longer be cast or changed."
        : "You cannot cast a ballot for this organization.",
      403,
    );
  }
  if (!organizationId) throw new UserFacingError("Choose an organization.", 400, "organizationId");
  if (reasonRequired.has(choice.option) && choice.reason.trim() === "") {
    throw new UserFacingError(`${ballotOptionLabels[choice.option]} needs a reason.`, 400, "reason");
  }
  const db = context.database.db;
  const result = await db.transaction(async (tx) => {
    const locked = await lockRoundForBallot(tx, roundId, organizationId);
    if (!locked) return null;
    const { round, now } = locked;
    if (round.status !== "open") {
      throw new UserFacingError(
        round.status === "cancelled"
          ? "This round was cancelled: ballots are no longer accepted."
          : "This round is closed: ballots are no longer accepted.",
        409,
      );
    }
    if (now >= round.deadline) {
      throw new UserFacingError("The deadline has passed: ballots are no longer accepted.", 409);
    }
    if (!locked.onRoster) {
      throw new UserFacingError("This organization is not on the round's roster.", 403, recorded ? "organizationId" : undefined);
    }
    if (locked.organizationStatus !== "active") {
      throw new UserFacingError(
        `${locked.organizationName ?? "This organization"} is suspended: its ballot can no longer be cast or changed.`,
        409,
      );
    }
    const listPublicly = supportOptions.has(choice.option) ? choice.listPublicly : false;
    const { changed } = await upsertBallot(tx, {
      roundId,
      organizationId,
      option: choice.option,
      reason: choice.reason.trim(),
      listPublicly,
      castById: actor.id,
      recordedByConvener: Boolean(recorded),
      note: recorded?.note ?? "",
      castAt: now,
    });
    const zone = locked.coalitionZone ?? DEFAULT_TIME_ZONE;
    const title = locked.proposalTitle;
    const receipts = (await listVoters(tx, [organizationId])).map((voter) => ({
      to: voter.email,
      subject: `Ballot receipt: ${title}`,
      body: [
        `Hello ${voter.name},`,
        "",
        `${locked.organizationName}'s ballot on "${title}" was ${changed ? "changed" : "cast"} by ${actor.name}${recorded ? " (a convener, recording a ballot sent outside the platform)" : ""} on ${formatInstant(now, voter.timeZone ?? zone)}.`,
        "",
        `Answer: ${ballotOptionLabels[choice.option]}`,
        choice.reason.trim() ? `Reason: ${choice.reason.trim()}` : "",
        supportOptions.has(choice.option) ? `Listed publicly as an endorser: ${listPublicly ? "yes" : "no"}` : "",
        "",
        `It can be changed until the round closes: ${absoluteUrl(context, `/app/rounds/${roundId}`)}`,
      ]
        .filter((l, i, all) => l !== "" || all[i - 1] !== "")
        .join("\n"),
    }));
    await queueMails(tx, context, receipts);
    // Last, so the audit chain's lock (held until commit) covers as little work as possible.
    await recordAudit(tx, {
      actorId: actor.id,
      action: recorded ? "ballot.recorded" : changed ? "ballot.changed" : "ballot.cast",
      subjectType: "round",
      subjectId: roundId,
      after: {
        organizationId,
        option: choice.option,
        reason: choice.reason.trim(),
        listPublicly,
        note: recorded?.note,
      },
    });
    return { changed };
  });
  context.mail.nudge();
  return result;
}

/**
 * Closes an open round: by a convener now, or by the scheduler at its deadline (recorded at the
 * deadline whatever the scheduler's delay). Idempotent: closing a round that is no longer open
 * changes nothing and returns false.
 */
export async function closeRound(context: RoundServices, roundId: string, closer: { id: string } | null) {
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
    return { proposalId: round.proposalId, outcome: result.outcome };
  });
  if (outcome) await context.collab.recheckProposal(outcome.proposalId);
  return outcome;
}

/** Moves an open round's deadline later; the 24-hour reminder is armed again. */
export async function extendRound(context: RoundServices, actor: Person, roundId: string, deadline: Date) {
  if (!isUuid(roundId)) return null;
  return context.database.db.transaction(async (tx) => {
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
    await getProposalForUpdate(tx, round.proposalId);
    await setProposalStatus(tx, round.proposalId, "draft");
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
  if (done) await context.collab.recheckProposal(done);
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

/** Reminds the voters of organizations that have not answered, 24 hours before the deadline. */
export async function sendReminder(context: RoundServices, round: { id: string; proposalId: string; deadline: Date }) {
  const db = context.database.db;
  await db.transaction(async (tx) => {
    const silent = await listSilentOrganizations(tx, round.id);
    const proposal = await getProposal(tx, round.proposalId);
    const zone = await getCoalitionTimeZone(tx);
    for (const voter of await listVoters(tx, silent)) {
      await queueMail(tx, context, {
        to: voter.email,
        subject: `Reminder: your organization's ballot on ${proposal?.title ?? "a proposal"} is due`,
        body: [
          `Hello ${voter.name},`,
          "",
          `Your organization has not answered the consensus round on "${proposal?.title}". It closes on ${formatInstant(round.deadline, voter.timeZone ?? zone)}.`,
          "",
          absoluteUrl(context, `/app/rounds/${round.id}`),
        ].join("\n"),
      });
    }
    await recordAudit(tx, {
      actorId: null,
      action: "round.reminded",
      subjectType: "round",
      subjectId: round.id,
      after: { organizations: silent.length },
    });
  });
  context.mail.nudge();
}

/**
 * Everything the round's page shows to this person. While the round is open, members see other
 * organizations' answers only when the round allows it; conveners always do; after the close,
 * everyone does.
 */
export async function getRoundPage(context: RoundServices, person: Person & { timeZone: string | null }, roundId: string) {
  if (!isUuid(roundId)) return null;
  const db = context.database.db;
  const found = await getRound(db, roundId);
  if (!found) return null;
  const { round } = found;
  const zone = person.timeZone ?? (await getCoalitionTimeZone(db));
  const [roster, ballots, history] = await Promise.all([
    listRoster(db, roundId),
    listBallots(db, roundId),
    listBallotHistory(
      db,
      roundId,
      can(person, "round:manage") ? undefined : (person.organizationId ?? "00000000-0000-0000-0000-000000000000"),
    ),
  ]);
  const isConvener = can(person, "round:manage");
  const seeAll = isConvener || round.status !== "open" || round.membersSeeAnswers;
  const byOrganization = new Map(ballots.map((b) => [b.ballot.organizationId, b]));
  const rule = {
    quorumNumerator: round.quorumNumerator,
    quorumDenominator: round.quorumDenominator,
    thresholdPercent: round.thresholdPercent,
  };
  const live = tally(
    roster.map((r) => ({
      organizationId: r.organizationId,
      name: r.organizationName,
    })),
    ballots.map((b) => ({
      organizationId: b.ballot.organizationId,
      option: b.ballot.option,
    })),
    rule,
  );
  const mine = person.organizationId && roster.some((r) => r.organizationId === person.organizationId) ? person.organizationId : null;
  const describeBallot = (b: (typeof ballots)[number]) => ({
    option: b.ballot.option,
    reason: b.ballot.reason,
    listPublicly: b.ballot.listPublicly,
    castBy: b.castByName,
    recordedByConvener: b.ballot.recordedByConvener,
    note: isConvener ? b.ballot.note : "",
    castAt: formatInstant(b.ballot.castAt, zone),
    changes: b.ballot.changes,
    response: b.ballot.response,
  });
  return {
    id: round.id,
    proposalId: round.proposalId,
    proposalTitle: found.proposalTitle,
    status: round.status,
    revision: {
      number: found.revisionNumber,
      label: found.revisionLabel,
      html: found.revisionHtml,
      fingerprint: found.revisionFingerprint,
    },
    deadline: formatInstant(round.deadline, zone),
    deadlineIso: round.deadline.toISOString(),
    deadlineLocal: instantToZonedLocal(round.deadline, zone),
    zone,
    openedBy: found.openedByName,
    openedAt: formatInstant(round.openedAt, zone),
    closedAt: round.closedAt ? formatInstant(round.closedAt, zone) : null,
    closedAutomatically: round.status === "closed" && round.closedById === null,
    cancelledAt: round.cancelledAt ? formatInstant(round.cancelledAt, zone) : null,
    cancelReason: round.cancelReason,
    rule,
    ruleText: ruleInWords(rule, roster.length),
    instructions: round.instructions,
    membersSeeAnswers: round.membersSeeAnswers,
    outcome: round.outcome,
    explanation: round.explanation,
    outcomeStatement: round.outcomeStatement,
    tally: live,
    stillNeeded: stillNeeded(live),
    seeAll,
    roster: roster.map((r) => {
      const b = byOrganization.get(r.organizationId);
      const visible = seeAll || r.organizationId === mine;
      return {
        organizationId: r.organizationId,
        name: r.organizationName,
        suspended: r.currentStatus !== "active",
        answered: Boolean(b),
        ballot: b && visible ? describeBallot(b) : null,
      };
    }),
    myOrganization: mine
      ? {
          id: mine,
          name: person.organizationName,
          canCast: round.status === "open" && can(person, "ballot:cast", { organizationId: mine }),
          ballot: byOrganization.get(mine) ? describeBallot(byOrganization.get(mine)!) : null,
        }
      : null,
    history: history.map((h) => ({
      id: h.entry.id,
      organizationName: h.organizationName,
      option: h.entry.option,
      reason: h.entry.reason,
      castBy: h.castByName,
      recordedByConvener: h.entry.recordedByConvener,
      at: formatInstant(h.entry.castAt, zone),
    })),
    isConvener,
  };
}

/** The results as CSV rows (conveners): organization, option, reason, cast by, time. */
export async function getRoundResults(context: RoundServices, roundId: string) {
  if (!isUuid(roundId)) return null;
  const db = context.database.db;
  const found = await getRound(db, roundId);
  if (!found) return null;
  const [roster, ballots] = await Promise.all([listRoster(db, roundId), listBallots(db, roundId)]);
  const byOrganization = new Map(ballots.map((b) => [b.ballot.organizationId, b]));
  return {
    title: found.proposalTitle,
    rows: roster.map((r) => {
      const b = byOrganization.get(r.organizationId);
      return {
        organization: r.organizationName,
        option: b ? ballotOptionLabels[b.ballot.option] : "No answer",
        reason: b?.ballot.reason ?? "",
        listedPublicly: b ? (b.ballot.listPublicly ? "yes" : "no") : "",
        castBy: b ? b.castByName + (b.ballot.recordedByConvener ? " (recorded by convener)" : "") : "",
        time: b ? b.ballot.castAt.toISOString() : "",
        note: b?.ballot.note ?? "",
      };
    }),
  };
}

/** What an .ics file needs: the deadline and the proposal's title. */
export async function getRoundDeadline(context: RoundServices, roundId: string) {
  if (!isUuid(roundId)) return null;
  const found = await getRound(context.database.db, roundId);
  return found
    ? {
        id: found.round.id,
        title: found.proposalTitle,
        deadline: found.round.deadline,
        status: found.round.status,
      }
    : null;
}

const outcomeLabels = { adopted: "adopted", not_adopted: "not adopted", blocked: "blocked", no_quorum: "no quorum" } as const;

/** A proposal's rounds for its page: the open one, past ones with their outcome, and whether one can open. */
export async function getProposalRounds(
  context: RoundServices,
  person: Person & { timeZone: string | null },
  proposalId: string,
  status: string,
) {
  const db = context.database.db;
  const zone = person.timeZone ?? (await getCoalitionTimeZone(db));
  const rounds = await listRoundsOfProposal(db, proposalId);
  return {
    canOpen: can(person, "round:manage") && status === "draft",
    rounds: rounds.map((r) => ({
      id: r.id,
      revisionId: r.revisionId,
      revisionNumber: r.revisionNumber,
      opened: formatInstant(r.openedAt, zone),
      state:
        r.status === "open"
          ? `open until ${formatInstant(r.deadline, zone)}`
          : r.status === "cancelled"
            ? "cancelled"
            : `closed: ${r.outcome ? outcomeLabels[r.outcome] : "no outcome"}`,
    })),
  };
}
