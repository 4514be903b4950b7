import type { SubmissionResult } from "@conform-to/react";
import { getFormProps, useForm } from "../lib/use-form";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { z } from "zod";
import { ErrorPage } from "../components/error-page";
import { ErrorSummary, SelectField, TextAreaField, TextField } from "../components/fields";
import { ReadingGrade } from "../components/reading-grade";
import { describeReadingGrade } from "../lib/reading-grade.server";
import { dispatchIntent, intentForm } from "../lib/intents.server";
import { askFirst, isConfirmed } from "../lib/confirm";
import { ConfirmStep, confirmationOf } from "../components/confirm-step";
import { requirePermission } from "../lib/session.server";
import { formatInstant } from "../lib/time";
import { readerTimeZone } from "../models/time-zone.server";
import { getPositionForConveners, retirePosition, revisePosition } from "../models/positions.server";
import { reviseSchema, supersedeSchema, withdrawSchema } from "../schemas/position.server";
import { notFound } from "../lib/not-found";
import { wordsFor } from "../lib/words-for";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "position:publish");
  const found = await getPositionForConveners(context, params.id ?? "");
  if (!found) throw notFound();
  const zone = await readerTimeZone(context, person);
  const p = found.position;
  return {
    id: p.id,
    slug: p.slug,
    title: p.title,
    summary: p.summary,
    summaryGrade: describeReadingGrade(p.summary),
    status: p.status,
    release: formatInstant(p.releaseAt, zone),
    withdrawReason: p.withdrawReason,
    roundId: p.roundId,
    others: found.others.map((o) => ({ value: o.id, label: o.title })),
  };
}

const done: Record<string, string> = {
  published: "The position is published.",
  scheduled: "The position is scheduled: it stays private until its release time, then appears by itself.",
  revise: "The changes are published. The old address keeps working.",
  withdraw: "The position is withdrawn. Its page stays, marked as withdrawn.",
  supersede: "The position is marked as superseded, linking to its successor.",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "position:publish");
  const id = params.id ?? "";
  const done = (what: string) => redirect(`/app/positions/${id}?done=${what}`);
  const formData = await request.formData();
  /** The position as its confirmation needs it; null (the one 404) when there is none. */
  const about = async () => {
    const found = await getPositionForConveners(context, id);
    if (!found) return null;
    const n = found.position.endorsers.length;
    const named = `Its page stays at the same address and keeps its text and the ${n} endorsing organization${n === 1 ? "" : "s"} named on it`;
    return { ...found, live: found.position.status === "published" || found.position.status === "scheduled", named };
  };
  return dispatchIntent(formData, {
    revise: intentForm(reviseSchema, async (value) => (await revisePosition(context, person.id, id, value)) && done("revise")),
    withdraw: intentForm(withdrawSchema, async (value) => {
      if (!isConfirmed(formData)) {
        const found = await about();
        if (!found) return null;
        if (found.live) {
          return askFirst(formData, {
            question: `Withdraw "${found.position.title}"?`,
            consequence: `${found.named}, marked as withdrawn with your reason; it leaves the list of positions and the feed. This cannot be undone.`,
            yes: "Yes, withdraw the position",
          });
        }
      }
      return (await retirePosition(context, person.id, id, { kind: "withdraw", reason: value.reason })) && done("withdraw");
    }),
    supersede: intentForm(supersedeSchema, async (value) => {
      if (!isConfirmed(formData)) {
        const found = await about();
        if (!found) return null;
        const successor = found.others.find((o) => o.id === value.successorId);
        if (found.live && successor) {
          return askFirst(formData, {
            question: `Mark "${found.position.title}" as superseded?`,
            consequence: `${found.named}, marked as superseded by "${successor.title}", with a link to it. This cannot be undone.`,
            yes: "Yes, mark it as superseded",
          });
        }
      }
      return (await retirePosition(context, person.id, id, { kind: "supersede", successorId: value.successorId })) && done("supersede");
    }),
  });
}

type Result = SubmissionResult<string[]> | undefined;

export default function PositionAdmin() {
  const page = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const result: Result = lastResult && typeof lastResult === "object" && "status" in lastResult ? lastResult : undefined;
  const pick = (name: string) => (result?.initialValue?.intent === name ? result : undefined);
  const [reviseForm, reviseFields] = useForm<z.input<typeof reviseSchema>>({
    id: "revise",
    lastResult: pick("revise"),
    defaultValue: { title: page.title, summary: page.summary },
  });
  const [withdrawForm, withdrawFields] = useForm<z.input<typeof withdrawSchema>>({ id: "withdraw", lastResult: pick("withdraw") });
  const [supersedeForm, supersedeFields] = useForm<z.input<typeof supersedeSchema>>({ id: "supersede", lastResult: pick("supersede") });
  const message = wordsFor(done, params.get("done"));
  const current = page.status === "published" || page.status === "scheduled";
  return (
    <>
      <p>
        <Link to="/app/positions">← Positions</Link>
      </p>
      <h1>{page.title}</h1>
      {confirmationOf(lastResult) ? <ConfirmStep confirmation={confirmationOf(lastResult)!} back={`/app/positions/${page.id}`} /> : null}
      {message ? (
        <p className="notice success" role="status">
          {message}
        </p>
      ) : null}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          {page.status === "scheduled"
            ? `Embargoed until ${page.release}`
            : page.status === "published"
              ? `Published ${page.release}`
              : page.status}
          {page.withdrawReason ? `: ${page.withdrawReason}` : ""}
        </dd>
        <dt>Public page</dt>
        <dd>
          <a href={`/positions/${page.slug}`}>{page.title}</a>
          {page.status === "scheduled" ? " (answers 404 until the release time)" : ""}
        </dd>
        <dt>Round</dt>
        <dd>
          <Link to={`/app/rounds/${page.roundId}`}>The consensus round</Link>
        </dd>
      </dl>
      {current ? (
        <>
          <h2 id="revise-heading">Title and summary</h2>
          <ErrorSummary form={reviseForm} />
          <Form method="post" className="stack" {...getFormProps(reviseForm)} noValidate aria-labelledby="revise-heading">
            <input type="hidden" name="intent" value="revise" />
            <TextField meta={reviseFields.title} label="Public title" hint="A new title gets a new address; the old one keeps working." />
            <TextAreaField meta={reviseFields.summary} label="Plain-language summary" rows={6} />
            <ReadingGrade fieldId={reviseFields.summary.id} initialGrade={page.summaryGrade} />
            <div className="actions">
              <button type="submit">Save changes</button>
            </div>
          </Form>

          <h2 id="withdraw-heading">Withdraw</h2>
          <ErrorSummary form={withdrawForm} />
          <Form method="post" className="stack" {...getFormProps(withdrawForm)} noValidate aria-labelledby="withdraw-heading">
            <input type="hidden" name="intent" value="withdraw" />
            <TextAreaField meta={withdrawFields.reason} label="Reason for withdrawing" hint="Shown on the position's page." rows={3} />
            <div className="actions">
              <button type="submit" className="danger">
                Withdraw position
              </button>
            </div>
          </Form>

          {page.others.length > 0 ? (
            <>
              <h2 id="supersede-heading">Superseded by a newer position</h2>
              <ErrorSummary form={supersedeForm} />
              <Form method="post" className="stack" {...getFormProps(supersedeForm)} noValidate aria-labelledby="supersede-heading">
                <input type="hidden" name="intent" value="supersede" />
                <SelectField
                  meta={supersedeFields.successorId}
                  label="The newer position"
                  placeholder="Choose a position"
                  options={page.others}
                />
                <div className="actions">
                  <button type="submit" className="secondary">
                    Mark as superseded
                  </button>
                </div>
              </Form>
            </>
          ) : null}
        </>
      ) : null}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Position"} · CARE Table` }];

export function ErrorBoundary() {
  return <ErrorPage />;
}
