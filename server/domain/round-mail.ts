import type { Db } from "../../db/client";
import { getCoalitionTimeZone } from "../../db/queries/coalition";
import { listRoundAudience, listVoters } from "../../db/queries/rounds";
import type { Outcome } from "../../app/lib/round-outcome";
import { formatInstant } from "../../app/lib/time";
import type { MailKind } from "../../db/schema";
import { absoluteUrl, deliverByPreference, type MailServices } from "./mail";

type Recipient = { id: string; email: string; name: string; timeZone: string | null };

const outcomeWords: Record<Outcome, string> = {
  adopted: "adopted",
  not_adopted: "not adopted",
  blocked: "blocked",
  no_quorum: "not decided (no quorum)",
};

/** One mail per recipient, in their zone, sent as each of them chose for this kind. */
async function send(
  db: Db,
  context: MailServices,
  kind: MailKind,
  recipients: Recipient[],
  compose: (person: Recipient, zone: string) => { subject: string; lines: string[] },
) {
  if (recipients.length === 0) return;
  const coalitionZone = await getCoalitionTimeZone(db);
  await deliverByPreference(
    db,
    context,
    kind,
    recipients.map((person) => {
      const { subject, lines } = compose(person, person.timeZone ?? coalitionZone);
      return { personId: person.id, to: person.email, subject, body: [`Hello ${person.name},`, "", ...lines].join("\n") };
    }),
  );
}

/** "Consensus round open": to every voter of the organizations on the roster. */
export async function mailRoundOpened(
  db: Db,
  context: MailServices,
  round: { id: string; title: string; deadline: Date; instructions: string; organizationIds: string[] },
) {
  const link = absoluteUrl(context, `/app/rounds/${round.id}`);
  await send(db, context, "round_opened", await listVoters(db, round.organizationIds), (_, zone) => ({
    subject: `Consensus round open: ${round.title}`,
    lines: [
      `A consensus round is open on "${round.title}". Your organization's ballot is due by ${formatInstant(round.deadline, zone)}.`,
      round.instructions ? `\nInstructions from the convener:\n${round.instructions}\n` : "",
      `Read the text and cast your organization's ballot: ${link}`,
    ],
  }));
}

/** The 24-hour reminder, to the voters of organizations that have not answered. */
export async function mailReminder(
  db: Db,
  context: MailServices,
  round: { id: string; title: string; deadline: Date; organizationIds: string[] },
) {
  await send(db, context, "round_reminder", await listVoters(db, round.organizationIds), (_, zone) => ({
    subject: `Reminder: your organization's ballot on ${round.title} is due`,
    lines: [
      `Your organization has not answered the consensus round on "${round.title}". It closes on ${formatInstant(round.deadline, zone)}.`,
      "",
      absoluteUrl(context, `/app/rounds/${round.id}`),
    ],
  }));
}

/** A cancelled round: to the roster's voters and the lead and co-sponsoring organizations. */
export async function mailRoundCancelled(
  db: Db,
  context: MailServices,
  round: { id: string; title: string; reason: string; answered: number; rosterSize: number },
) {
  await send(db, context, "round_cancelled", await listRoundAudience(db, round.id), () => ({
    subject: `Consensus round cancelled: ${round.title}`,
    lines: [
      `The consensus round on "${round.title}" was cancelled by a convener. There is no outcome; the ${round.answered} ballot${round.answered === 1 ? "" : "s"} cast (of ${round.rosterSize} organizations) stay on record, and the proposal is a draft again.`,
      "",
      `Reason: ${round.reason}`,
      "",
      absoluteUrl(context, `/app/rounds/${round.id}`),
    ],
  }));
}

/** A closed round's outcome with its explanation in numbers, to the same people. */
export async function mailRoundOutcome(
  db: Db,
  context: MailServices,
  round: { id: string; title: string; outcome: Outcome; explanation: string },
) {
  await send(db, context, "round_outcome", await listRoundAudience(db, round.id), () => ({
    subject: `Consensus round closed: ${round.title} was ${outcomeWords[round.outcome]}`,
    lines: [
      `The consensus round on "${round.title}" is closed. The text was ${outcomeWords[round.outcome]}.`,
      "",
      `In numbers: ${round.explanation}.`,
      round.outcome === "adopted"
        ? "A convener will publish it as the coalition's position."
        : "The proposal is a draft again; every ballot and reason stays visible on the round's page.",
      "",
      absoluteUrl(context, `/app/rounds/${round.id}`),
    ],
  }));
}

/** A position is public: to the people of the round it came from. */
export async function mailPositionPublished(db: Db, context: MailServices, position: { roundId: string; title: string; slug: string }) {
  await send(db, context, "position_published", await listRoundAudience(db, position.roundId), () => ({
    subject: `Position published: ${position.title}`,
    lines: [`The coalition's position "${position.title}" is published.`, "", absoluteUrl(context, `/positions/${position.slug}`)],
  }));
}
