import { getFormProps, useForm } from "@conform-to/react";
import type { LinksFunction, ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import textStyles from "../styles/text.css";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { SubmissionResult } from "@conform-to/react";
import type { z } from "zod";
import { BallotOptions } from "../components/ballot-options";
import { ErrorPage } from "../components/error-page";
import { CheckboxField, ErrorSummary, SelectField, TextAreaField, TextField } from "../components/fields";
import { dispatchIntent, intentForm } from "../lib/intents.server";
import { ballotOptionLabels, formatTenths, type BallotOption } from "../lib/round-outcome";
import { requirePermission, requirePerson } from "../lib/session.server";
import { zonedLocalToInstant } from "../lib/time";
import { UserFacingError } from "../models/auth.server";
import { readerTimeZone } from "../models/dashboard.server";
import {
  cancelRound,
  castBallot,
  closeRound,
  extendRound,
  getRoundPage,
  respondToObjection,
  writeOutcomeStatement,
} from "../models/rounds.server";
import {
  ballotSchema,
  cancelSchema,
  closeSchema,
  extendSchema,
  recordBallotSchema,
  responseSchema,
  statementSchema,
} from "../schemas/round";
import { notFound } from "../lib/not-found";
import { wordsFor } from "../lib/words-for";

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
  const back = (what: string) => redirect(`/app/rounds/${roundId}?done=${what}`);
  // Everything but casting the organization's own ballot is the convener's.
  const requireConvener = () => requirePermission(request, context, "round:manage");
  return dispatchIntent(await request.formData(), {
    cast: intentForm(ballotSchema, async (value) => (await castBallot(context, person, roundId, value)) && back("cast")),
    record: intentForm(recordBallotSchema, async (value) => {
      const convener = await requireConvener();
      return (
        (await castBallot(context, convener, roundId, value, { organizationId: value.organizationId, note: value.note })) && back("record")
      );
    }),
    close: intentForm(closeSchema, async () => {
      const result = await closeRound(context, roundId, await requireConvener());
      return result === null ? null : back(result === false ? "already-closed" : "close");
    }),
    extend: intentForm(extendSchema, async (value) => {
      const convener = await requireConvener();
      const at = zonedLocalToInstant(value.deadline, await readerTimeZone(context, convener));
      if (!at) throw new UserFacingError("Enter the new deadline as a date and time.", 400, "deadline");
      return (await extendRound(context, convener, roundId, at)) && back("extend");
    }),
    cancel: intentForm(
      cancelSchema,
      async (value) => (await cancelRound(context, await requireConvener(), roundId, value.cancelReason)) && back("cancel"),
    ),
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

const outcomeWords = {
  adopted: "Adopted",
  not_adopted: "Not adopted",
  blocked: "Blocked",
  no_quorum: "No quorum",
} as const;

type Page = ReturnType<typeof useLoaderData<typeof loader>>;
type Result = SubmissionResult<string[]> | undefined;

export default function RoundPage() {
  const page = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const result = lastResult && typeof lastResult === "object" && "status" in lastResult ? lastResult : undefined;
  const intent = result?.initialValue?.intent;
  const message = params.get("done");
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

      <Status page={page} />

      <section aria-labelledby="rule">
        <h2 id="rule">The rule</h2>
        <p>{page.ruleText}</p>
        {page.instructions ? (
          <>
            <h3>Instructions from the convener</h3>
            <p className="preserve-lines">{page.instructions}</p>
          </>
        ) : null}
      </section>

      {page.myOrganization ? <MyBallot page={page} lastResult={intent === "cast" ? result : undefined} /> : null}

      <section aria-labelledby="roster">
        <h2 id="roster">Roster and answers</h2>
        {page.status === "open" ? <p>{page.stillNeeded}</p> : null}
        <TallySummary page={page} />
        {!page.seeAll ? (
          <p>While the round is open, each organization sees only its own answer. Everyone sees all answers after the close.</p>
        ) : null}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Organization</th>
                <th scope="col">Answer</th>
                <th scope="col">Reason</th>
                <th scope="col">Cast by</th>
              </tr>
            </thead>
            <tbody>
              {page.roster.map((r) => (
                <tr key={r.organizationId}>
                  <th scope="row">
                    {r.name}
                    {r.suspended ? " (suspended)" : ""}
                  </th>
                  <td>{r.ballot ? ballotOptionLabels[r.ballot.option as BallotOption] : r.answered ? "Answered" : "No answer yet"}</td>
                  <td className="preserve-lines">
                    {r.ballot?.reason}
                    {r.ballot?.response ? (
                      <>
                        <br />
                        <strong>Convener&apos;s response:</strong> {r.ballot.response}
                      </>
                    ) : null}
                  </td>
                  <td>
                    {r.ballot
                      ? `${r.ballot.castBy}${r.ballot.recordedByConvener ? " (recorded by a convener)" : ""}, ${r.ballot.castAt}`
                      : ""}
                    {r.ballot?.note ? <span className="hint">Note: {r.ballot.note}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {page.history.length > 0 ? (
        <section aria-labelledby="history">
          <h2 id="history">{page.isConvener ? "Ballot history" : "Your organization's ballot history"}</h2>
          <ol reversed>
            {page.history.map((h) => (
              <li key={h.id}>
                {h.at}: {h.organizationName}, {ballotOptionLabels[h.option as BallotOption]}, by {h.castBy}
                {h.recordedByConvener ? " (recorded by a convener)" : ""}
                {h.reason ? ` — “${h.reason}”` : ""}
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <section aria-labelledby="text">
        <h2 id="text">The text under vote</h2>
        <p>
          Version {page.revision.number} ({page.revision.label}). Fingerprint (SHA-256):{" "}
          <code className="copyable">{page.revision.fingerprint}</code>
        </p>
        <div className="proposal-text" dangerouslySetInnerHTML={{ __html: page.revision.html }} />
      </section>

      {page.isConvener ? <ConvenerPanel page={page} lastResult={result} intent={intent} /> : null}
    </>
  );
}

function Status({ page }: { page: Page }) {
  return (
    <section aria-labelledby="status">
      <h2 id="status">Status</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>{page.status === "open" ? "Open" : page.status === "closed" ? "Closed" : "Cancelled"}</dd>
        <dt>Deadline</dt>
        <dd>
          <time dateTime={page.deadlineIso}>{page.deadline}</time> ·{" "}
          <a href={`/app/rounds/${page.id}/calendar.ics`} download>
            Add the deadline to your calendar<span className="visually-hidden"> (.ics file)</span>
          </a>
        </dd>
        <dt>Opened</dt>
        <dd>
          {page.openedAt} by {page.openedBy}
        </dd>
        {page.closedAt ? (
          <>
            <dt>Closed</dt>
            <dd>
              {page.closedAt}
              {page.closedAutomatically ? " (at the deadline)" : " (by a convener)"}
            </dd>
          </>
        ) : null}
        {page.cancelledAt ? (
          <>
            <dt>Cancelled</dt>
            <dd>
              {page.cancelledAt}: {page.cancelReason}
            </dd>
          </>
        ) : null}
      </dl>
      {page.outcome ? (
        <div className={`notice ${page.outcome === "adopted" ? "success" : "warning"}`}>
          <h3>{`Outcome: ${outcomeWords[page.outcome]}`}</h3>
          <p>{page.explanation}</p>
          {page.outcomeStatement ? <p className="preserve-lines">{page.outcomeStatement}</p> : null}
        </div>
      ) : null}
    </section>
  );
}

function TallySummary({ page }: { page: Page }) {
  const t = page.tally;
  if (!page.seeAll) {
    return (
      <p>
        {t.answered} of {t.rosterSize} organizations have answered.
      </p>
    );
  }
  return (
    <p>
      {t.answered} of {t.rosterSize} answered (quorum {t.quorumNeeded}): {t.support} support, {t.against} against, {t.standAside} stood
      aside, {t.blocks} block{t.blocks === 1 ? "" : "s"}
      {t.supportTenths !== null ? `; support ${formatTenths(t.supportTenths)} (threshold ${page.rule.thresholdPercent} %)` : ""}.
    </p>
  );
}

function MyBallot({ page, lastResult }: { page: Page; lastResult: Result }) {
  const mine = page.myOrganization!;
  const [form, fields] = useForm<z.input<typeof ballotSchema>>({
    id: "ballot",
    lastResult,
    defaultValue: {
      option: mine.ballot?.option,
      reason: mine.ballot?.reason ?? "",
      listPublicly: mine.ballot ? (mine.ballot.listPublicly ? "on" : undefined) : "on",
    },
  });
  return (
    <section aria-labelledby="my-ballot">
      <h2 id="my-ballot">{mine.name}&apos;s ballot</h2>
      {mine.ballot ? (
        <p>
          Current answer: <strong>{ballotOptionLabels[mine.ballot.option as BallotOption]}</strong>, cast by {mine.ballot.castBy}
          {mine.ballot.recordedByConvener ? " (recorded by a convener)" : ""} on {mine.ballot.castAt}
          {mine.ballot.changes > 0 ? `, changed ${mine.ballot.changes} time${mine.ballot.changes === 1 ? "" : "s"}` : ""}.
        </p>
      ) : (
        <p>Your organization has not answered yet.</p>
      )}
      {mine.canCast ? (
        <>
          <ErrorSummary form={form} />
          <Form method="post" className="stack" {...getFormProps(form)} noValidate>
            <input type="hidden" name="intent" value="cast" />
            <BallotOptions meta={fields.option} legend="Your organization's answer" />
            <TextAreaField
              meta={fields.reason}
              label="Reason"
              hint="Required for Endorse with reservations (your reservations), Object (what would need to change) and Block."
            />
            <CheckboxField
              meta={fields.listPublicly}
              label="List our organization publicly as an endorser"
              hint="Only with Endorse or Endorse with reservations: the organization's name appears on the published position."
            />
            <div className="actions">
              <button type="submit">Cast ballot</button>
            </div>
            <p className="hint">
              You can change the ballot until the round closes. Every voter of your organization gets a receipt by mail.
            </p>
          </Form>
        </>
      ) : page.status === "open" ? (
        <p>
          {page.myOrganization && !page.roster.find((r) => r.organizationId === mine.id)?.suspended
            ? "Only people who can vote for your organization cast its ballot. Ask a convener if you should."
            : "Your organization is suspended: its ballot can no longer be cast or changed."}
        </p>
      ) : null}
    </section>
  );
}

function ConvenerPanel({ page, lastResult, intent }: { page: Page; lastResult: Result; intent: unknown }) {
  const pick = (name: string) => (intent === name ? lastResult : undefined);
  const [recordForm, recordFields] = useForm<z.input<typeof recordBallotSchema>>({
    id: "record",
    lastResult: pick("record"),
    defaultValue: { listPublicly: "on" },
  });
  const [extendForm, extendFields] = useForm<z.input<typeof extendSchema>>({
    id: "extend",
    lastResult: pick("extend"),
    defaultValue: { deadline: page.deadlineLocal },
  });
  const [cancelForm, cancelFields] = useForm<z.input<typeof cancelSchema>>({ id: "cancel", lastResult: pick("cancel") });
  const [closeForm] = useForm<z.input<typeof closeSchema>>({ id: "close", lastResult: pick("close") });
  const [statementForm, statementFields] = useForm<z.input<typeof statementSchema>>({
    id: "statement",
    lastResult: pick("statement"),
    defaultValue: { statement: page.outcomeStatement ?? "" },
  });
  const objections = page.roster.filter((r) => r.ballot && (r.ballot.option === "object" || r.ballot.option === "block"));
  return (
    <section aria-labelledby="convener">
      <h2 id="convener">For conveners</h2>
      <p>
        <a href={`/app/rounds/${page.id}/results.csv`} download>
          Export the results as CSV
        </a>
      </p>
      {page.status === "open" ? (
        <>
          <h3 id="close-heading">Close the round now</h3>
          <ErrorSummary form={closeForm} />
          <Form method="post" {...getFormProps(closeForm)} aria-labelledby="close-heading">
            <input type="hidden" name="intent" value="close" />
            <p>Closing computes the outcome from the ballots committed so far. Later ballots are refused.</p>
            <button type="submit">Close round</button>
          </Form>

          <h3 id="record-heading">Record a ballot sent outside the platform</h3>
          <ErrorSummary form={recordForm} />
          <Form method="post" className="stack" {...getFormProps(recordForm)} noValidate aria-labelledby="record-heading">
            <input type="hidden" name="intent" value="record" />
            <SelectField
              meta={recordFields.organizationId}
              label="Organization"
              placeholder="Choose an organization"
              options={page.roster.filter((r) => !r.suspended).map((r) => ({ value: r.organizationId, label: r.name }))}
            />
            <BallotOptions meta={recordFields.option} legend="Their answer" />
            <TextAreaField meta={recordFields.reason} label="Their reason" />
            <CheckboxField meta={recordFields.listPublicly} label="They may be listed publicly as an endorser" />
            <TextAreaField
              meta={recordFields.note}
              label="Note"
              hint="How the ballot reached you (mail, phone, who) — required."
              rows={3}
            />
            <div className="actions">
              <button type="submit" className="secondary">
                Record ballot
              </button>
            </div>
          </Form>

          <h3 id="extend-heading">Extend the deadline</h3>
          <ErrorSummary form={extendForm} />
          <Form method="post" className="stack" {...getFormProps(extendForm)} noValidate aria-labelledby="extend-heading">
            <input type="hidden" name="intent" value="extend" />
            <TextField meta={extendFields.deadline} label="New deadline" type="datetime-local" hint={`In your time zone, ${page.zone}.`} />
            <div className="actions">
              <button type="submit" className="secondary">
                Extend deadline
              </button>
            </div>
          </Form>

          <h3 id="cancel-heading">Cancel the round</h3>
          <ErrorSummary form={cancelForm} />
          <Form method="post" className="stack" {...getFormProps(cancelForm)} noValidate aria-labelledby="cancel-heading">
            <input type="hidden" name="intent" value="cancel" />
            <TextAreaField meta={cancelFields.cancelReason} label="Reason for cancelling" rows={3} />
            <div className="actions">
              <button type="submit" className="danger">
                Cancel round
              </button>
            </div>
          </Form>
        </>
      ) : null}
      {page.status === "closed" ? (
        <>
          {page.outcome === "adopted" ? (
            <p>
              <Link className="button" to={`/app/rounds/${page.id}/publish`}>
                Publish this text as a position
              </Link>
            </p>
          ) : null}
          <h3 id="statement-heading">Outcome statement</h3>
          <ErrorSummary form={statementForm} />
          <Form method="post" className="stack" {...getFormProps(statementForm)} noValidate aria-labelledby="statement-heading">
            <input type="hidden" name="intent" value="statement" />
            <TextAreaField
              meta={statementFields.statement}
              label="Outcome statement"
              hint="What the coalition decided, in a few sentences."
            />
            <div className="actions">
              <button type="submit">Save outcome statement</button>
            </div>
          </Form>
          {objections.map((r) => (
            <ResponseForm
              key={r.organizationId}
              organizationId={r.organizationId}
              name={r.name}
              current={r.ballot?.response ?? ""}
              lastResult={intent === "response" ? lastResult : undefined}
            />
          ))}
        </>
      ) : null}
    </section>
  );
}

function ResponseForm({
  organizationId,
  name,
  current,
  lastResult,
}: {
  organizationId: string;
  name: string;
  current: string;
  lastResult: Result;
}) {
  const [form, fields] = useForm<z.input<typeof responseSchema>>({
    id: `response-${organizationId}`,
    lastResult: lastResult && lastResult.initialValue?.organizationId === organizationId ? lastResult : undefined,
    defaultValue: { response: current },
  });
  return (
    <Form method="post" className="stack" {...getFormProps(form)} noValidate aria-label={`Response to ${name}`}>
      <input type="hidden" name="intent" value="response" />
      <input type="hidden" name="organizationId" value={organizationId} />
      <TextAreaField meta={fields.response} label={`Response to ${name}`} rows={3} />
      <div className="actions">
        <button type="submit" className="secondary">
          Save response<span className="visually-hidden"> to {name}</span>
        </button>
      </div>
    </Form>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Consensus round: ${data?.proposalTitle ?? ""} · CARE Table` }];

export function ErrorBoundary() {
  return <ErrorPage />;
}
