import { recordAudit } from "../../db/queries/audit";
import { DEFAULT_TIME_ZONE } from "../../db/queries/coalition";
import { castBallotRow, getRoundRevisionText, lockRoundForBallot, type BallotOptionKey } from "../../db/queries/rounds";
import { can } from "../lib/permissions";
import { ballotOptionLabels, reasonRequired, supportOptions } from "../lib/round-outcome";
import { formatInstant } from "../lib/time";
import { UserFacingError } from "./auth.server";
import { absoluteUrl, queueMailsStatement } from "./mail.server";
import { isUuid } from "../lib/uuid";

import type { RoundServices, RoundPerson as Person } from "./rounds.server";

export interface BallotChoice {
  option: BallotOptionKey;
  reason: string;
  /** With Object or Block: words of the text under vote the ballot is about (optional). */
  passage?: string;
  listPublicly: boolean;
}

const squeeze = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * The passage an Object or Block is about, as the text under vote has it ("" for none, and for
 * other answers): refused when the words are not in that text.
 */
export async function checkPassage(db: RoundServices["database"]["db"], roundId: string, choice: Pick<BallotChoice, "option" | "passage">) {
  const passage = squeeze(choice.passage ?? "");
  if (passage === "" || (choice.option !== "object" && choice.option !== "block")) return "";
  const text = await getRoundRevisionText(db, roundId);
  if (text !== null && !squeeze(text).toLocaleLowerCase().includes(passage.toLocaleLowerCase())) {
    throw new UserFacingError("These words are not in the text under vote: copy them from it, or leave the passage empty.", 400, "passage");
  }
  return passage;
}

/** Refuses an answer that needs a reason and has none (before anything is asked or stored). */
export function checkReason(choice: Pick<BallotChoice, "option" | "reason">) {
  if (reasonRequired.has(choice.option) && choice.reason.trim() === "") {
    throw new UserFacingError(`${ballotOptionLabels[choice.option]} needs a reason.`, 400, "reason");
  }
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
  checkReason(choice);
  const db = context.database.db;
  const passage = await checkPassage(db, roundId, choice);
  const result = await db.transaction(async (tx) => {
    const locked = await lockRoundForBallot(tx, roundId, organizationId);
    if (!locked) return null;
    const { round } = locked;
    if (round.status !== "open") {
      throw new UserFacingError(
        round.status === "cancelled"
          ? "This round was cancelled: ballots are no longer accepted."
          : "This round is closed: ballots are no longer accepted.",
        409,
      );
    }
    const pastDeadline = () => new UserFacingError("The deadline has passed: ballots are no longer accepted.", 409);
    if (locked.pastDeadline) throw pastDeadline();
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
    // The deadline is checked again by the database's clock in the statement that stores it.
    const stored = await castBallotRow(
      tx,
      {
        roundId,
        organizationId,
        option: choice.option,
        reason: choice.reason.trim(),
        passage,
        listPublicly,
        castById: actor.id,
        recordedByConvener: Boolean(recorded),
        note: recorded?.note ?? "",
      },
      round.deadline,
    );
    if (!stored) throw pastDeadline();
    const { changed, castAt: now } = stored;
    const zone = locked.coalitionZone ?? DEFAULT_TIME_ZONE;
    const title = locked.proposalTitle;
    const receipts = locked.voters.map((voter) => ({
      to: voter.email,
      subject: `Ballot receipt: ${title}`,
      body: [
        `Hello ${voter.name},`,
        "",
        `The ballot of ${locked.organizationName} on "${title}" was ${changed ? "changed" : "cast"} by ${actor.name}${recorded ? " (a convener, recording a ballot sent outside the platform)" : ""} on ${formatInstant(now, voter.timeZone ?? zone)}.`,
        "",
        `Answer: ${ballotOptionLabels[choice.option]}`,
        choice.reason.trim() ? `Reason: ${choice.reason.trim()}` : "",
        passage ? `About the passage: “${passage}”` : "",
        supportOptions.has(choice.option) ? `Listed publicly as an endorser: ${listPublicly ? "yes" : "no"}` : "",
        "",
        `It can be changed until the round closes: ${absoluteUrl(context, `/app/rounds/${roundId}`)}`,
      ]
        .filter((l, i, all) => l !== "" || all[i - 1] !== "")
        .join("\n"),
    }));
    // Last, so the audit chain's lock (held until commit) covers as little work as possible; the
    // receipts are stored in the same round trip, before the lock.
    await recordAudit(
      tx,
      {
        actorId: actor.id,
        action: recorded ? "ballot.recorded" : changed ? "ballot.changed" : "ballot.cast",
        subjectType: "round",
        subjectId: roundId,
        after: {
          organizationId,
          option: choice.option,
          reason: choice.reason.trim(),
          passage: passage || undefined,
          listPublicly,
          note: recorded?.note,
        },
      },
      queueMailsStatement(tx, context, receipts),
    );
    return { changed };
  });
  context.mail.nudge();
  if (result) context.roundEvents.announce(roundId);
  return result;
}
