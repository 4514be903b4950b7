import type { ReactNode } from "react";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "../lib/session.server";
import { getProposalHistory } from "../models/proposals.server";
import proposalStyles from "../styles/proposals.css";
import { notFound } from "../lib/not-found";
import { TableScroll } from "../components/table-scroll";
import type { DiffBlock, DiffPart } from "../lib/block-diff";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: proposalStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "proposal:read");
  const url = new URL(request.url);
  let from = url.searchParams.get("from");
  let to = url.searchParams.get("to");
  const organization = url.searchParams.get("organization") || null;
  const history = await getProposalHistory(context, person, params.id ?? "", { from, to, organization });
  if (!history) throw notFound();
  // By default: the latest version against the current text, or the two latest versions.
  if (!from && !to && history.revisions.length > 0) {
    from = history.revisions[0]!.id;
    to = "current";
    return { ...(await getProposalHistory(context, person, params.id ?? "", { from, to, organization }))!, from, to, organization };
  }
  return { ...history, from: from ?? "", to: to ?? "", organization };
}

export default function ProposalHistory() {
  const { proposal, revisions, diff, from, to, organization } = useLoaderData<typeof loader>();
  const organizations = (diff?.authors ?? []).filter((a): a is typeof a & { organizationId: string } => a.organizationId !== null);
  const shown = organizations.find((a) => a.organizationId === organization);
  const choices = [
    { id: "current", label: "Current text" },
    ...revisions.map((r) => ({ id: r.id, label: `Version ${r.number}: ${r.label}` })),
  ];
  return (
    <>
      <p>
        <Link to={`/app/proposals/${proposal.id}`} reloadDocument>
          ← {proposal.title}
        </Link>
      </p>
      <h1>History of “{proposal.title}”</h1>
      <h2>Saved versions</h2>
      {revisions.length === 0 ? (
        <p className="empty">No version has been saved yet. Use “Save version” on the proposal page.</p>
      ) : (
        <TableScroll label="Versions">
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Name</th>
                <th scope="col">Saved</th>
                <th scope="col">Fingerprint (SHA-256)</th>
              </tr>
            </thead>
            <tbody>
              {revisions.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.number}</th>
                  <td>{r.label}</td>
                  <td>{r.when}</td>
                  <td>
                    <code title={r.fingerprint}>{r.fingerprint.slice(0, 16)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      <h2 id="compare-heading">Compare</h2>
      <Form method="get" className="filters" aria-labelledby="compare-heading">
        <div className="field">
          <label htmlFor="from">From</label>
          <select id="from" name="from" defaultValue={from}>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
          <select id="to" name="to" defaultValue={to || "current"}>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="organization">Show changes by</label>
          <select id="organization" name="organization" defaultValue={shown ? organization! : ""}>
            <option value="">Every organization</option>
            {organizations.map((a) => (
              <option key={a.organizationId} value={a.organizationId}>
                {a.organization}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit">Compare</button>
        </div>
      </Form>

      {diff ? (
        <section aria-labelledby="difference-heading">
          <h2 id="difference-heading">
            Difference from {diff.from.number ? `version ${diff.from.number}` : "the current text"} to{" "}
            {diff.to.number ? `version ${diff.to.number}` : "the current text"}
          </h2>
          <p role="status">
            {diff.inserted === 0 && diff.deleted === 0
              ? "The two texts are the same."
              : `${diff.inserted} ${diff.inserted === 1 ? "word" : "words"} added, ${diff.deleted} ${diff.deleted === 1 ? "word" : "words"} removed.`}{" "}
            Added words are underlined and marked [+ … +]; removed words are struck through and marked [− … −]. Each change names who made
            it.
            {shown ? ` Showing only the changes by ${shown.organization}; other changes read as the text they made.` : ""}
          </p>
          {diff.authors.length > 0 ? (
            <>
              <h3 id="authors-heading">Who changed what</h3>
              <ul aria-labelledby="authors-heading" className="change-authors">
                {diff.authors.map((a) => (
                  <li key={a.organizationId ?? "none"}>
                    <strong>{a.organization ?? (a.people.length > 0 ? "No organization" : "Not recorded")}</strong>
                    {a.people.length > 0 ? ` (${a.people.join(", ")})` : ""}: {words(a.inserted)} added, {words(a.deleted)} removed
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <div className="diff">
            <DiffBlocks blocks={diff.blocks} />
          </div>
        </section>
      ) : null}
    </>
  );
}

/** The comparison block by block; consecutive list items of one kind share one list. */
function DiffBlocks({ blocks }: { blocks: DiffBlock[] }) {
  const out: ReactNode[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    if (block.kind === "listItem") {
      const items: DiffBlock[] = [];
      while (blocks[i]?.kind === "listItem" && blocks[i]!.list === block.list) items.push(blocks[i++]!);
      i--;
      const List = block.list === "ordered" ? "ol" : "ul";
      out.push(
        <List key={i}>
          {items.map((item, k) => (
            <li key={k} className={`diff-${item.change}`}>
              <DiffParts parts={item.parts} />
            </li>
          ))}
        </List>,
      );
    } else if (block.kind === "heading") {
      // The text's h2 sits one level below the page's h2 that holds the comparison (decision 056).
      const Heading = `h${Math.min(6, block.level + 1)}` as "h3";
      out.push(
        <Heading key={i} className={`diff-${block.change}`}>
          <DiffParts parts={block.parts} />
        </Heading>,
      );
    } else {
      out.push(
        <p key={i} className={`diff-${block.change}`}>
          <DiffParts parts={block.parts} />
        </p>,
      );
    }
  }
  return <>{out}</>;
}

const words = (n: number) => `${n} ${n === 1 ? "word" : "words"}`;

function authorLabel(by: DiffPart["by"]): string | null {
  if (by === undefined) return null;
  if (by === null) return "not recorded";
  return by.organization ? `${by.name}, ${by.organization}` : by.name;
}

function DiffParts({ parts }: { parts: DiffPart[] }) {
  return (
    <>
      {parts.map((part, i) =>
        part.kind === "inserted" ? (
          <span key={i} className="change">
            <ins
              title={authorLabel(part.by) ? `Added by ${authorLabel(part.by)}` : undefined}
              data-organization={part.by?.organizationId ?? undefined}
            >
              <span className="marker">[+</span>
              <span className="visually-hidden"> added: </span>
              {part.text}
              <span className="marker">+]</span>
            </ins>
            {authorLabel(part.by) ? <span className="change-by"> (added by {authorLabel(part.by)})</span> : null}
          </span>
        ) : part.kind === "deleted" ? (
          <span key={i} className="change">
            <del
              title={authorLabel(part.by) ? `Removed by ${authorLabel(part.by)}` : undefined}
              data-organization={part.by?.organizationId ?? undefined}
            >
              <span className="marker">[−</span>
              <span className="visually-hidden"> removed: </span>
              {part.text}
              <span className="marker">−]</span>
            </del>
            {authorLabel(part.by) ? <span className="change-by"> (removed by {authorLabel(part.by)})</span> : null}
          </span>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data: history }) => [
  { title: `History of ${history?.proposal.title ?? "a proposal"} · CARE Table` },
];

export { ErrorPage as ErrorBoundary } from "../components/error-page";
