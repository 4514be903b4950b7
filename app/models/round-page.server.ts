import { getRound, listBallotHistory, listBallots, listRoster, listRoundsOfProposal } from "../../db/queries/rounds";
import { displayBodyHtml } from "../../server/collab/derive";
import { can } from "../lib/permissions";
import { ballotOptionLabels, ruleInWords, statusSentence, tally, timeUntil } from "../lib/round-outcome";
import { formatInstant, instantToZonedLocal } from "../lib/time";
import { oncePerRequest } from "../lib/request-memo";
import { isUuid } from "../lib/uuid";

import type { RoundServices, RoundPerson as Person } from "./rounds.server";
import { readerTimeZone } from "./time-zone.server";

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
  const zone = await readerTimeZone(context, person);
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
    passage: b.ballot.passage,
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
      html: displayBodyHtml(found.revisionHtml, 2),
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
    statusSentence: statusSentence(live, rule, { status: round.status, outcome: round.outcome, withAnswers: seeAll }),
    closingAt: round.deadline.getTime(),
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
  const zone = await readerTimeZone(context, person);
  const rounds = await roundsOfProposal(context, proposalId);
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

/**
 * A proposal's rounds for its page, read once per request however many of the page's parts ask
 * (only loaders read it: no action changes rounds and then reads them back through it).
 */
export function roundsOfProposal(context: Pick<RoundServices, "database">, proposalId: string) {
  return oncePerRequest(context, `rounds of ${proposalId}`, () => listRoundsOfProposal(context.database.db, proposalId));
}

/** What closing or cancelling the round now would do, in numbers, for the convener's confirmation. */
export async function describeRoundForConfirmation(context: RoundServices, roundId: string) {
  if (!isUuid(roundId)) return null;
  const db = context.database.db;
  const found = await getRound(db, roundId);
  if (!found) return null;
  const [roster, ballots] = await Promise.all([listRoster(db, roundId), listBallots(db, roundId)]);
  const cast = ballots.length;
  const silent = roster.length - cast;
  const organizations = (n: number) => `${n} organization${n === 1 ? "" : "s"}`;
  return {
    status: found.round.status,
    title: found.proposalTitle,
    rosterSize: roster.length,
    closeConsequence: [
      silent === 0 ? "Every organization has answered" : `${organizations(silent)} ${silent === 1 ? "has" : "have"} not answered`,
      `and the deadline is ${timeUntil(found.round.deadline.getTime() - Date.now())}.`,
      `The outcome will be computed from the ${cast} ballot${cast === 1 ? "" : "s"} cast; later ballots are refused.`,
    ].join(" "),
    cancelConsequence: [
      `${cast} of ${roster.length} organizations have answered.`,
      "Cancelling ends the round without an outcome: the ballots stay on record, no more can be cast,",
      "and the proposal becomes a draft again. This cannot be undone.",
    ].join(" "),
  };
}
