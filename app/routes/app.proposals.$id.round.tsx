import { countOf } from "../lib/plural";
import { getFormProps, useForm } from "../lib/use-form";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { z } from "zod";
import { ErrorPage } from "../components/error-page";
import { CheckboxField, ErrorSummary, TextAreaField, TextField } from "../components/fields";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { defaultRule, ruleInWords } from "../lib/round-outcome";
import { requirePermission } from "../lib/session.server";
import { instantToZonedLocal, zonedLocalToInstant } from "../lib/time";
import { UserFacingError } from "../models/auth.server";
import { readerTimeZone } from "../models/time-zone.server";
import { getProposalForRound, openRound, previewRoster } from "../models/rounds.server";
import { openRoundSchema, parseQuorum } from "../schemas/round.server";
import { notFound } from "../lib/not-found";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "round:manage");
  const proposal = await getProposalForRound(context, params.id ?? "");
  if (!proposal) throw notFound();
  const zone = await readerTimeZone(context, person);
  const { eligible, withoutVoter } = await previewRoster(context);
  // The text under vote is the accepted text: open suggestions are named before the round opens.
  const openSuggestions = proposal.status === "draft" ? ((await context.collab.listSuggestions(proposal.id))?.length ?? 0) : 0;
  // A week from now at 5 pm in the convener's zone: a sensible first deadline.
  const inAWeek = new Date(Date.now() + 7 * 86_400_000);
  const defaultDeadline = instantToZonedLocal(inAWeek, zone).slice(0, 10) + "T17:00";
  return {
    proposal,
    zone,
    rosterNames: eligible.map((o) => o.name),
    withoutVoter,
    defaultDeadline,
    ruleText: ruleInWords(defaultRule, eligible.length),
    openSuggestions,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "round:manage");
  const submission = parseWithZod(await request.formData(), { schema: openRoundSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  const { deadline, quorum, thresholdPercent, membersSeeAnswers, instructions } = submission.value;
  try {
    const zone = await readerTimeZone(context, person);
    const at = zonedLocalToInstant(deadline, zone);
    if (!at) throw new UserFacingError("Enter the deadline as a date and time.", 400, "deadline");
    const opened = await openRound(context, person, params.id ?? "", {
      deadline: at,
      ...parseQuorum(quorum),
      thresholdPercent,
      membersSeeAnswers,
      instructions,
    });
    if (!opened) throw notFound();
    return redirect(`/app/rounds/${opened.round.id}?opened=1`);
  } catch (error) {
    if (error instanceof Response) throw error;
    return replyWithError(submission, error);
  }
}

export default function OpenRound() {
  const { proposal, zone, rosterNames, withoutVoter, defaultDeadline, ruleText, openSuggestions } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<z.input<typeof openRoundSchema>>({
    id: "open-round",
    lastResult,
    defaultValue: {
      deadline: defaultDeadline,
      quorum: `${defaultRule.quorumNumerator}/${defaultRule.quorumDenominator}`,
      thresholdPercent: String(defaultRule.thresholdPercent),
      membersSeeAnswers: "on",
      instructions: "",
    },
  });
  return (
    <>
      <p>
        <Link to={`/app/proposals/${proposal.id}`}>← {proposal.title}</Link>
      </p>
      <h1>Open a consensus round</h1>
      <p>
        On <strong>{proposal.title}</strong>. Opening saves everyone&apos;s pending edits, takes a version of the text (the text under vote,
        with its fingerprint) and locks the proposal for everyone until the round ends.
      </p>
      {proposal.status !== "draft" ? (
        <div className="notice error" role="alert">
          <p>This proposal is not a draft, so no round can open on it now.</p>
        </div>
      ) : null}
      {openSuggestions > 0 ? (
        <div className="notice warning" role="status">
          <p>
            {`${openSuggestions === 1 ? "1 suggestion is" : `${openSuggestions} suggestions are`} still open on this draft. The text under vote is the accepted text: suggested insertions are left out and words suggested for deletion stay in. `}
            <Link to={`/app/proposals/${proposal.id}`}>Accept or reject them first</Link>, or open the round on the accepted text.
          </p>
        </div>
      ) : null}
      <h2>Roster</h2>
      {rosterNames.length === 0 ? (
        <div className="notice error" role="alert">
          <p>No organization is eligible (active voting members): a round cannot open with an empty roster.</p>
        </div>
      ) : (
        <p>
          {countOf(rosterNames.length, "organization", "organizations")} will be on the roster: {rosterNames.join(", ")}.
        </p>
      )}
      {withoutVoter.length > 0 ? (
        <div className="notice warning" role="status">
          <p>
            {withoutVoter.length === 1 ? "This eligible organization has" : "These eligible organizations have"} nobody who can vote for{" "}
            {withoutVoter.length === 1 ? "it" : "them"}: {withoutVoter.join(", ")}. They will be on the roster and count toward the quorum;
            invite a voter or let a representative vote (People) before or during the round.
          </p>
        </div>
      ) : null}
      <p>With the default settings: {ruleText}</p>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        <TextField
          meta={fields.deadline}
          label="Deadline"
          type="datetime-local"
          hint={`In your time zone, ${zone}. Ballots are accepted until this moment; the round then closes by itself.`}
          required
        />
        <TextField meta={fields.quorum} label="Quorum" hint="The fraction of the roster that must answer, like 2/3." required />
        <TextField
          meta={fields.thresholdPercent}
          label="Support threshold (%)"
          type="number"
          hint="The share of organizations that endorsed among those that endorsed or objected, a whole percent."
          required
        />
        <CheckboxField
          meta={fields.membersSeeAnswers}
          label="Members see each other's answers while the round is open"
          hint="Conveners always see them. After the close, everyone does."
        />
        <TextAreaField meta={fields.instructions} label="Instructions for voters" hint="Optional." />
        <div className="actions">
          <button type="submit">Open consensus round</button>
        </div>
      </Form>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Open a consensus round · CARE Table" }];

export function ErrorBoundary() {
  return <ErrorPage />;
}
