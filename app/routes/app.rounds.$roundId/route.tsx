import type { SubmissionResult } from "@conform-to/react";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { ConfirmStep, confirmationOf } from "../../components/confirm-step";
import { ErrorPage } from "../../components/error-page";
import { askFirst, isConfirmed } from "../../lib/confirm";
import { dispatchIntent, intentForm } from "../../lib/intents.server";
import { notFound } from "../../lib/not-found";
import { can } from "../../lib/permissions";
import { requirePermission, requirePerson } from "../../lib/session.server";
import { zonedLocalToInstant } from "../../lib/time";
import textStyles from "../../styles/text.css";
import { UserFacingError } from "../../models/auth.server";
import { castBallot, checkReason } from "../../models/ballots.server";
import { readerTimeZone } from "../../models/time-zone.server";
import { describeRoundForConfirmation, getRoundPage } from "../../models/round-page.server";
import { cancelRound, closeRound, extendRound, respondToObjection, writeOutcomeStatement } from "../../models/rounds.server";
import {
  ballotSchema,
  cancelSchema,
  closeSchema,
  extendSchema,
  recordBallotSchema,
  responseSchema,
  statementSchema,
} from "../../schemas/round.server";
import { ballotOptionLabels, type BallotOption } from "../../lib/round-outcome";
import { wordsFor } from "../../lib/words-for";
import { BallotForm } from "./ballot-form";
import { ConvenerTools, NextStep } from "./convener-tools";
import { BallotHistory, RosterTable } from "./roster";
import { RoundStatus } from "./status";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: textStyles }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "proposal:read");
  const page = await getRoundPage(context, person, params.roundId ?? "");
  if (!page) throw notFound();
  return page;
}

const done: Record<string, string> = {
  cast: "Your organization's ballot is recorded. Every voter of your organization gets a receipt by mail.",
  record: "The ballot is recorded, marked as recorded by a convener.",
  close: "The round is closed and its outcome computed.",
  extend: "The deadline was moved. Organizations that have not answered will be reminded again 24 hours before it.",
  cancel: "The round was cancelled. The ballots stay on record; the proposal is a draft again.",
  statement: "The outcome statement was saved.",
  response: "The response was saved.",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const roundId = params.roundId ?? "";
  const person = await requirePerson(request, context);
  const formData = await request.formData();
  const confirmed = isConfirmed(formData);
  const back = (what: string) => redirect(`/app/rounds/${roundId}?done=${what}`);
  // Everything but casting the organization's own ballot is the convener's.
  const requireConvener = () => requirePermission(request, context, "round:manage");
  /** The round as a confirmation needs it; null (the one 404) when there is none. */
  const aboutRound = () => describeRoundForConfirmation(context, roundId);
  return dispatchIntent(formData, {
    cast: intentForm(ballotSchema, async (value) => {
      // Ask only someone who may cast it; anyone else hears the refusal at once.
      if (value.option === "block" && !confirmed && can(person, "ballot:cast", { organizationId: person.organizationId })) {
        checkReason(value);
        const round = await aboutRound();
        if (!round) return null;
        if (round.status === "open") {
          return askFirst(formData, {
            question: "Cast a Block?",
            consequence: `One Block stops the text for every organization: "${round.title}" cannot be adopted in this round, whatever the other ${round.rosterSize - 1} organization${round.rosterSize === 2 ? "" : "s"} answer. You can change the ballot until the round closes.`,
            yes: "Yes, cast a Block",
          });
        }
      }
      return (await castBallot(context, person, roundId, value)) && back("cast");
    }),
    record: intentForm(recordBallotSchema, async (value) => {
      const convener = await requireConvener();
      return (
        (await castBallot(context, convener, roundId, value, { organizationId: value.organizationId, note: value.note })) && back("record")
      );
    }),
    close: intentForm(closeSchema, async () => {
      const convener = await requireConvener();
      if (!confirmed) {
        const round = await aboutRound();
        if (!round) return null;
        if (round.status === "open") {
          return askFirst(formData, {
            question: "Close the round now?",
            consequence: `Close now? ${round.closeConsequence}`,
            yes: "Yes, close the round now",
          });
        }
      }
      const result = await closeRound(context, roundId, convener);
      return result === null ? null : back(result === false ? "already-closed" : "close");
    }),
    extend: intentForm(extendSchema, async (value) => {
      const convener = await requireConvener();
      const at = zonedLocalToInstant(value.deadline, await readerTimeZone(context, convener));
      if (!at) throw new UserFacingError("Enter the new deadline as a date and time.", 400, "deadline");
      return (await extendRound(context, convener, roundId, at)) && back("extend");
    }),
    cancel: intentForm(cancelSchema, async (value) => {
      const convener = await requireConvener();
      if (!confirmed) {
        const round = await aboutRound();
        if (!round) return null;
        if (round.status === "open") {
          return askFirst(formData, { question: "Cancel the round?", consequence: round.cancelConsequence, yes: "Yes, cancel the round" });
        }
      }
      return (await cancelRound(context, convener, roundId, value.cancelReason)) && back("cancel");
    }),
    statement: intentForm(
      statementSchema,
      async (value) => (await writeOutcomeStatement(context, await requireConvener(), roundId, value.statement)) && back("statement"),
    ),
    response: intentForm(
      responseSchema,
      async (value) =>
        (await respondToObjection(context, await requireConvener(), roundId, value.organizationId, value.response)) && back("response"),
    ),
  });
}

export type RoundPageData = ReturnType<typeof useLoaderData<typeof loader>>;
export type FormResult = SubmissionResult<string[]> | undefined;

export default function RoundPage() {
  const page = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const result = data && typeof data === "object" && "status" in data ? (data as SubmissionResult<string[]>) : undefined;
  const confirmation = confirmationOf(data);
  const intent = result?.initialValue?.intent;
  const message = params.get("done");
  useRoundUpdates(page.id, page.status === "open");
  return (
    <>
      <p>
        <Link to={`/app/proposals/${page.proposalId}`}>← {page.proposalTitle}</Link>
      </p>
      <h1>Consensus round: {page.proposalTitle}</h1>
      {params.get("opened") ? (
        <p className="notice success" role="status">
          The round is open. The text is locked, and every voter of the organizations on the roster was notified.
        </p>
      ) : null}
      {wordsFor(done, message) ? (
        <p className="notice success" role="status">
          {wordsFor(done, message)}
        </p>
      ) : message === "already-closed" ? (
        <p className="notice" role="status">
          The round was already closed.
        </p>
      ) : null}
      {confirmation ? <ConfirmStep confirmation={confirmation} back={`/app/rounds/${page.id}`} /> : null}

      {page.isConvener ? <NextStep page={page} /> : null}
      <RoundStatus page={page} />

      <section aria-labelledby="deadline">
        <h2 id="deadline">Deadline</h2>
        <p>
          {page.status === "open" ? "Ballots are accepted until " : "Ballots were accepted until "}
          <time dateTime={page.deadlineIso}>{page.deadline}</time>.
          {page.status === "open" ? (
            <>
              {" "}
              <a href={`/app/rounds/${page.id}/calendar.ics`} download>
                Add the deadline to your calendar<span className="visually-hidden"> (.ics file)</span>
              </a>
            </>
          ) : null}
        </p>
        <p>
          Opened {page.openedAt} by {page.openedBy}.
          {page.closedAt ? ` Closed ${page.closedAt}${page.closedAutomatically ? " at the deadline." : " by a convener."}` : ""}
          {page.cancelledAt ? ` Cancelled ${page.cancelledAt}: ${page.cancelReason}` : ""}
        </p>
        {page.instructions ? (
          <>
            <h3>Instructions from the convener</h3>
            <p className="preserve-lines">{page.instructions}</p>
          </>
        ) : null}
      </section>

      <section aria-labelledby="text">
        <h2 id="text">The text under vote</h2>
        <p>
          Version {page.revision.number} ({page.revision.label}), locked for the round.
        </p>
        <div className="proposal-text" dangerouslySetInnerHTML={{ __html: page.revision.html }} />
        <PassageObjections page={page} />
      </section>

      {page.myOrganization ? <BallotForm page={page} lastResult={intent === "cast" ? result : undefined} /> : null}

      <RosterTable page={page} />
      <BallotHistory page={page} />

      {page.isConvener ? <ConvenerTools page={page} lastResult={result} intent={intent} /> : null}

      <section aria-labelledby="verify">
        <h2 id="verify">How to verify this text</h2>
        <p>
          The fingerprint below is computed from the text under vote. The same text always gives the same fingerprint, so anyone can check
          that the text published later is the one voted on.
        </p>
        <p>
          Fingerprint (SHA-256): <code className="copyable">{page.revision.fingerprint}</code>
        </p>
      </section>
    </>
  );
}

/**
 * While the round is open, the page reads itself again whenever the server says the round
 * changed (a ballot, the close, a new deadline): an event stream from this same origin. Without
 * JavaScript, or when the stream fails, a reload shows the same.
 */
function useRoundUpdates(roundId: string, open: boolean) {
  const revalidator = useRevalidator();
  // The latest revalidator, without reopening the stream at every render.
  const latest = useRef(revalidator);
  useEffect(() => {
    latest.current = revalidator;
  });
  useEffect(() => {
    if (!open || typeof EventSource === "undefined") return;
    const events = new EventSource(`/app/rounds/${roundId}/events`);
    events.addEventListener("changed", () => latest.current.revalidate());
    return () => events.close();
  }, [roundId, open]);
}

/** The Objects and Blocks that point at a passage, beside the text: the words, why, and the convener's response. */
function PassageObjections({ page }: { page: RoundPageData }) {
  const pointed = page.roster.filter((r) => r.ballot?.passage);
  if (pointed.length === 0) return null;
  return (
    <>
      <h3 id="passage-objections">Objections to passages</h3>
      <ul aria-labelledby="passage-objections" className="plain-list passage-objections">
        {pointed.map((r) => (
          <li key={r.organizationId}>
            <blockquote className="quote">{r.ballot!.passage}</blockquote>
            <p>
              <strong>
                {r.name}: {ballotOptionLabels[r.ballot!.option as BallotOption]}
              </strong>{" "}
              <span className="preserve-lines">{r.ballot!.reason}</span>
            </p>
            {r.ballot!.response ? (
              <p className="preserve-lines">
                <strong>Convener&apos;s response:</strong> {r.ballot!.response}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Consensus round: ${data?.proposalTitle ?? ""} · CARE Table` }];

export function ErrorBoundary() {
  return <ErrorPage />;
}
