import { getFormProps, useForm } from "../lib/use-form";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { lazy, Suspense } from "react";
import { ErrorSummary, TextAreaField, TextField } from "../components/fields";
import { ProposalDetailsForm } from "../components/proposal-details-form";
import { dispatchIntent, intentForm } from "../lib/intents.server";
import { useHydrated } from "../lib/use-hydrated";
import { pillarNames } from "../lib/pillars";
import type { RouteHandle } from "../lib/route-handle";
import { getProposalRounds } from "../models/round-page.server";
import { requirePermission } from "../lib/session.server";
import {
  changeProposalDetails,
  getProposalPage,
  hideProposalComment,
  listOrganizationChoices,
  postComment,
  reviseComment,
  saveVersion,
} from "../models/proposals.server";
import {
  commentSchema,
  editCommentSchema,
  hideCommentSchema,
  openEditingSchema,
  proposalDetailsSchema,
  replySchema,
  resolveSuggestionsSchema,
  resolveThreadSchema,
  saveVersionSchema,
  startThreadSchema,
} from "../schemas/proposal.server";
import { listPassageThreads, replyToThread, resolveThread, startPassageThread } from "../models/passage-comments.server";
import { changeOpenEditing, resolveProposalSuggestions } from "../models/suggestions.server";
import proposalStyles from "../styles/proposals.css";
import { notFound } from "../lib/not-found";
import { changesSinceLastVisit } from "../models/authorship.server";
import { readerTimeZone } from "../models/time-zone.server";
import { formatInstant } from "../lib/time";
import { ChangesSinceVisit } from "../components/changes-since-visit";
import { Pager } from "../components/pager";
import { keysetPageLinks, readCursor } from "../lib/paging";
import { isUuid } from "../lib/uuid";

// Only this page loads the editor's code, after hydration (the server renders the stored HTML).
const ProposalEditor = lazy(() => import("../components/proposal-editor.client"));

/** Carets write inline styles; the page talks to the collaboration WebSocket on this origin. */
export const handle: RouteHandle = { hydrate: true, inlineStyles: true, connect: true };

export const links: LinksFunction = () => [{ rel: "stylesheet", href: proposalStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "proposal:read");
  const commentsCursor = readCursor(new URL(request.url).searchParams, (v) => (isUuid(v) ? v.toLowerCase() : null), "comments-");
  const page = await getProposalPage(context, person, params.id ?? "", commentsCursor);
  if (!page) throw notFound();
  const commentLinks = keysetPageLinks(
    `/app/proposals/${page.proposal.id}`,
    {},
    { ...page.commentPage, rows: page.comments.toReversed() },
    (c) => c.id,
    {
      prefix: "comments-",
      hash: "#discussion-heading",
    },
  );
  const [organizations, rounds, threads, visit, zone] = await Promise.all([
    page.canEdit ? listOrganizationChoices(context) : [],
    getProposalRounds(context, person, page.proposal.id, page.proposal.status),
    listPassageThreads(context, person, page.proposal.id, page.drafting.reviewer),
    changesSinceLastVisit(context, person.id, page.proposal.id),
    readerTimeZone(context, person),
  ]);
  const sinceVisit = visit && { since: formatInstant(visit.since, zone), changes: visit.changes };
  return { ...page, organizations, rounds, threads, sinceVisit, commentLinks };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "proposal:read");
  const id = params.id ?? "";
  return dispatchIntent(await request.formData(), {
    details: intentForm(proposalDetailsSchema, async (value) => {
      const result = await changeProposalDetails(context, person, id, value);
      return result && data({ detailsSaved: result.changed });
    }),
    "save-version": intentForm(saveVersionSchema, async (value) => {
      const revision = await saveVersion(context, person, id, value.label);
      return revision && data({ saved: { number: revision.number, label: revision.label } });
    }),
    comment: intentForm(commentSchema, async (value) =>
      (await postComment(context, person, id, value.body)) ? data({ commented: true as const }) : null,
    ),
    "edit-comment": intentForm(editCommentSchema, async (value) =>
      (await reviseComment(context, person, id, value.commentId, value.body)) ? data({ commentEdited: true as const }) : null,
    ),
    "resolve-suggestions": intentForm(resolveSuggestionsSchema, async (value) => {
      const result = await resolveProposalSuggestions(context, person, id, value);
      return result && data({ resolved: result.resolved });
    }),
    "open-editing": intentForm(openEditingSchema, async (value) => {
      const result = await changeOpenEditing(context, person, id, value.open === "yes");
      return result && data({ openEditingChanged: result.changed });
    }),
    "start-thread": intentForm(startThreadSchema, async (value) => {
      const thread = await startPassageThread(context, person, id, value);
      if (thread) context.collab.threadsChanged(id);
      return thread && data({ threadStarted: thread.id });
    }),
    reply: intentForm(replySchema, async (value) => {
      const done = await replyToThread(context, person, id, value.threadId, value.body);
      if (done) context.collab.threadsChanged(id);
      return done && data({ replied: value.threadId });
    }),
    "resolve-thread": intentForm(resolveThreadSchema, async (value) => {
      const done = await resolveThread(context, person, id, value.threadId, value.resolved === "yes");
      if (done) context.collab.threadsChanged(id);
      return done && data({ threadResolved: value.threadId });
    }),
    "hide-comment": intentForm(hideCommentSchema, async (value) =>
      (await hideProposalComment(context, person, id, value.commentId, value.reason)) ? data({ commentHidden: true as const }) : null,
    ),
  });
}

export default function ProposalPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const hydrated = useHydrated();
  const { proposal } = page;
  const formResult = result && "status" in result ? result : undefined;
  const staticBody = (
    <div
      className="proposal-body editor-frame"
      role="textbox"
      aria-label="Proposal text"
      aria-multiline="true"
      aria-readonly="true"
      tabIndex={0}
      // Sanitized by the allow-list when derived and again when read (models/proposals.server.ts).
      dangerouslySetInnerHTML={{ __html: proposal.bodyHtml || "<p></p>" }}
    />
  );
  return (
    <>
      <p>
        <Link to="/app/proposals">← Proposals</Link>
      </p>
      <h1>{proposal.title}</h1>
      {params.get("created") ? (
        <p className="notice success" role="status">
          The proposal was started. Write its text below: everyone editing sees each other&apos;s changes as they type.
        </p>
      ) : null}
      <dl className="facts">
        <dt>Status</dt>
        <dd>{proposal.statusLabel}</dd>
        <dt>Pillars</dt>
        <dd>{proposal.pillars.map((p) => pillarNames[p]).join(", ")}</dd>
        <dt>Lead organization</dt>
        <dd>{proposal.leadOrganizationName}</dd>
        <dt>Co-sponsors</dt>
        <dd>{page.sponsors.length ? page.sponsors.map((s) => s.name).join(", ") : "None yet"}</dd>
        <dt>Last change</dt>
        <dd>{proposal.lastChange}</dd>
        <dt>Versions</dt>
        <dd>
          <Link to={`/app/proposals/${proposal.id}/history`}>
            {page.revisionCount === 0 ? "No saved version yet: see history" : `${page.revisionCount} saved, see history and differences`}
          </Link>
        </dd>
      </dl>
      <RoundsSection proposalId={proposal.id} {...page.rounds} />
      <h2>Summary</h2>
      <p className="comment-body">{proposal.summary}</p>

      {page.sinceVisit ? <ChangesSinceVisit {...page.sinceVisit} /> : null}

      <section aria-labelledby="text-heading">
        <h2 id="text-heading">Text</h2>
        <DraftingRule drafting={page.drafting} result={result} />
        {hydrated ? (
          <Suspense fallback={staticBody}>
            <ProposalEditor
              proposalId={proposal.id}
              user={page.editorUser}
              drafting={page.drafting}
              readOnlyReason={page.readOnlyReason}
              threads={page.threads}
              canComment={page.canComment}
            />
          </Suspense>
        ) : (
          <>
            {page.readOnlyReason ? (
              <div className="notice warning" role="status">
                <p>{page.readOnlyReason}</p>
              </div>
            ) : null}
            {staticBody}
          </>
        )}
        {page.canEdit ? <SaveVersionForm result={result} /> : null}
      </section>

      {page.canEdit ? (
        <section aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          {result && "detailsSaved" in result ? (
            <p className="notice success" role="status">
              {result.detailsSaved ? "The details were saved." : "Nothing changed."}
            </p>
          ) : null}
          <details>
            <summary>Change title, summary, pillars or sponsors</summary>
            <ProposalDetailsForm
              id="details"
              lastResult={formResult?.initialValue?.intent === "details" ? formResult : undefined}
              defaultValue={{
                title: proposal.title,
                summary: proposal.summary,
                pillars: proposal.pillars,
                leadOrganizationId: proposal.leadOrganizationId,
                sponsorIds: page.sponsors.map((s) => s.id),
              }}
              organizations={page.organizations}
              leadChoice={page.canChangeLead}
              leadName={proposal.leadOrganizationName}
              submitLabel="Save details"
              intent="details"
            />
          </details>
        </section>
      ) : null}

      <Discussion page={page} result={result} />
    </>
  );
}

type ActionResult = ReturnType<typeof useActionData<typeof action>>;

function DraftingRule({
  drafting,
  result,
}: {
  drafting: ReturnType<typeof useLoaderData<typeof loader>>["drafting"];
  result: ActionResult;
}) {
  return (
    <div className="drafting-rule">
      <p>
        <strong>Who edits this draft:</strong> {drafting.rule}
      </p>
      {result && "openEditingChanged" in result ? (
        <p className="notice success" role="status">
          {drafting.openEditing
            ? "Every member organization can now edit this draft directly."
            : "Only the sponsors edit this draft directly again; others suggest."}
        </p>
      ) : null}
      {drafting.canChangeRule ? (
        <Form method="post">
          <input type="hidden" name="intent" value="open-editing" />
          <input type="hidden" name="open" value={drafting.openEditing ? "no" : "yes"} />
          <button type="submit" className="secondary">
            {drafting.openEditing ? "Close direct editing to the sponsors" : "Open direct editing to every member organization"}
          </button>
        </Form>
      ) : null}
    </div>
  );
}

function SaveVersionForm({ result }: { result: ActionResult }) {
  const lastResult = result && "status" in result && result.initialValue?.intent === "save-version" ? result : undefined;
  const [form, fields] = useForm<{ label: string }>({ id: "save-version", lastResult });
  const saved = result && "saved" in result ? result.saved : null;
  return (
    <div className="stack">
      <h3 id="version-heading">Save a version</h3>
      {saved ? (
        <p className="notice success" role="status">
          Version {saved.number} “{saved.label}” was saved.
        </p>
      ) : null}
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate aria-labelledby="version-heading" key={saved?.number ?? 0}>
        <input type="hidden" name="intent" value="save-version" />
        <TextField meta={fields.label} label="Version name" hint="For example: “Draft for the March meeting”." required />
        <div className="actions">
          <button type="submit">Save version</button>
        </div>
      </Form>
    </div>
  );
}

function Discussion({ page, result }: { page: ReturnType<typeof useLoaderData<typeof loader>>; result: ActionResult }) {
  const lastResult = result && "status" in result && result.initialValue?.intent === "comment" ? result : undefined;
  const [form, fields] = useForm<{ body: string }>({ id: "comment", lastResult });
  const commented = Boolean(result && "commented" in result);
  return (
    <section aria-labelledby="discussion-heading">
      <h2 id="discussion-heading">Discussion</h2>
      {result && "commentHidden" in result ? (
        <p className="notice success" role="status">
          The comment was hidden. Its text and your reason are kept in the audit trail.
        </p>
      ) : null}
      {result && "commentEdited" in result ? (
        <p className="notice success" role="status">
          Your comment was changed.
        </p>
      ) : null}
      {commented && page.commentPage.newer ? (
        <p className="notice success" role="status">
          Your comment was posted. It is with <Link to={`/app/proposals/${page.proposal.id}#discussion-heading`}>the latest comments</Link>.
        </p>
      ) : null}
      {page.comments.length === 0 ? (
        <p className="empty">No comments yet.</p>
      ) : page.commentPage.newer || page.commentPage.older ? (
        <p className="proposal-meta">
          {`${page.commentCount} comments, oldest first. ${page.commentPage.newer ? "Earlier" : "The latest"} ${page.comments.length}, written ${page.comments[0]!.when} to ${page.comments[page.comments.length - 1]!.when}:`}
        </p>
      ) : null}
      {page.hiddenFromReader > 0 ? (
        <p className="proposal-meta">
          {page.hiddenFromReader === 1 ? "One comment was" : `${page.hiddenFromReader} comments were`} hidden by a convener.
        </p>
      ) : null}
      <ol className="plain-list">
        {page.comments.map((c) => (
          <li key={c.id} className="comment">
            <p>
              <strong>{c.authorName}</strong>
              {c.organizationName ? `, ${c.organizationName}` : ""} · <time dateTime={c.at}>{c.when}</time>
              {c.edited ? ` · edited ${c.edited}` : ""}
            </p>
            {c.hidden ? (
              <p className="notice warning">
                Hidden by {c.hidden.by}: {c.hidden.reason}
              </p>
            ) : null}
            <p className="comment-body">{c.body}</p>
            {c.canEdit ? <EditComment id={c.id} body={c.body} result={result} /> : null}
            {c.canHide ? <HideComment id={c.id} authorName={c.authorName} result={result} /> : null}
          </li>
        ))}
      </ol>
      <Pager
        label="Pages of the discussion"
        previous={page.commentLinks.next}
        next={page.commentLinks.previous}
        previousText="Earlier comments"
        nextText="Later comments"
      />
      {page.canComment ? (
        <>
          <ErrorSummary form={form} />
          <Form method="post" className="stack" {...getFormProps(form)} noValidate key={commented ? page.commentCount : "comment"}>
            <input type="hidden" name="intent" value="comment" />
            <TextAreaField meta={fields.body} label="Comment" rows={4} hint="Plain text. You can change it for 15 minutes." />
            <div className="actions">
              <button type="submit">Post comment</button>
            </div>
          </Form>
        </>
      ) : (
        <p className="empty">You can read the discussion, but not comment.</p>
      )}
    </section>
  );
}

function EditComment({ id, body, result }: { id: string; body: string; result: ActionResult }) {
  const lastResult =
    result && "status" in result && result.initialValue?.intent === "edit-comment" && result.initialValue?.commentId === id
      ? result
      : undefined;
  const [form, fields] = useForm<{ body: string }>({ id: `edit-${id}`, lastResult, defaultValue: { body } });
  return (
    <details>
      <summary>Change this comment</summary>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        <input type="hidden" name="intent" value="edit-comment" />
        <input type="hidden" name="commentId" value={id} />
        <TextAreaField meta={fields.body} label="Comment" rows={3} />
        <div className="actions">
          <button type="submit">Save comment</button>
        </div>
      </Form>
    </details>
  );
}

function HideComment({ id, authorName, result }: { id: string; authorName: string; result: ActionResult }) {
  const lastResult =
    result && "status" in result && result.initialValue?.intent === "hide-comment" && result.initialValue?.commentId === id
      ? result
      : undefined;
  const [form, fields] = useForm<{ reason: string }>({ id: `hide-${id}`, lastResult });
  return (
    <details>
      <summary>Hide this comment by {authorName}</summary>
      <ErrorSummary form={form} />
      <Form method="post" className="stack" {...getFormProps(form)} noValidate>
        <input type="hidden" name="intent" value="hide-comment" />
        <input type="hidden" name="commentId" value={id} />
        <TextField meta={fields.reason} label="Reason for hiding" required />
        <div className="actions">
          <button type="submit" className="danger">
            Hide comment
          </button>
        </div>
      </Form>
    </details>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data: page }) => [{ title: `${page?.proposal.title ?? "Proposal"} · CARE Table` }];

export { ErrorPage as ErrorBoundary } from "../components/error-page";

function RoundsSection({
  proposalId,
  canOpen,
  rounds,
}: {
  proposalId: string;
  canOpen: boolean;
  rounds: { id: string; revisionId: string; revisionNumber: number; opened: string; state: string }[];
}) {
  if (!canOpen && rounds.length === 0) return null;
  return (
    <section aria-labelledby="rounds-heading">
      <h2 id="rounds-heading">Consensus rounds</h2>
      {rounds.length > 0 ? (
        <ul>
          {rounds.map((r) => (
            <li key={r.id}>
              <Link to={`/app/rounds/${r.id}`}>Round opened {r.opened}</Link> on version {r.revisionNumber}: {r.state}.{" "}
              <Link to={`/app/proposals/${proposalId}/history?from=${r.revisionId}&to=current`} reloadDocument>
                What changed since the text voted on<span className="visually-hidden"> in the round opened {r.opened}</span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      {canOpen ? (
        <p>
          <Link className="button" to={`/app/proposals/${proposalId}/round`}>
            Open consensus round
          </Link>
        </p>
      ) : null}
    </section>
  );
}
