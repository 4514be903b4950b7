import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { pillarKeys, pillarNames, type PillarKey } from "../lib/pillars";
import { can } from "../lib/permissions";
import { requirePermission } from "../lib/session.server";
import { listProposalsForReader, statusLabels } from "../models/proposals.server";
import proposalStyles from "../styles/proposals.css";
import { TableScroll } from "../components/table-scroll";
import { Pager } from "../components/pager";
import { numberedPageLinks, readPageNumber } from "../lib/paging";

const statuses = ["draft", "in_round", "adopted", "archived"] as const;
/** Proposals on one page of the list: the record grows for years, the page does not. */
const PAGE_SIZE = 50;
type Status = (typeof statuses)[number];

export const links: LinksFunction = () => [{ rel: "stylesheet", href: proposalStyles }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "proposal:read");
  const url = new URL(request.url);
  const pillar = url.searchParams.get("pillar");
  const status = url.searchParams.get("status");
  const q = (url.searchParams.get("q") ?? "").slice(0, 200);
  const page = readPageNumber(url.searchParams);
  const filter = {
    pillar: pillarKeys.includes(pillar as PillarKey) ? (pillar as PillarKey) : undefined,
    status: statuses.includes(status as Status) ? (status as Status) : undefined,
    query: q.trim() || undefined,
  };
  // One more than a page: whether there is a next page, without counting them all.
  const rows = await listProposalsForReader(context, person, { ...filter, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  return {
    proposals: rows.slice(0, PAGE_SIZE),
    page,
    first: (page - 1) * PAGE_SIZE + 1,
    hasNext: rows.length > PAGE_SIZE,
    filter: { pillar: filter.pillar ?? "", status: filter.status ?? "", q },
    canCreate: can(person, "proposal:create"),
    statusLabels,
  };
}

export default function Proposals() {
  const { proposals, page, first, hasNext, filter, canCreate, statusLabels } = useLoaderData<typeof loader>();
  const filtered = Boolean(filter.pillar || filter.status || filter.q);
  const paged = page > 1 || hasNext;
  const pages = numberedPageLinks("/app/proposals", { q: filter.q, pillar: filter.pillar, status: filter.status }, page, hasNext);
  return (
    <>
      <h1>Proposals</h1>
      {canCreate ? (
        <p>
          <Link to="/app/proposals/new" className="button">
            New proposal
          </Link>
        </p>
      ) : null}
      <Form method="get" className="filters" role="search" aria-label="Filter proposals">
        <div className="field">
          <label htmlFor="filter-q">Words</label>
          <input type="search" id="filter-q" name="q" defaultValue={filter.q} />
        </div>
        <div className="field">
          <label htmlFor="filter-pillar">Pillar</label>
          <select id="filter-pillar" name="pillar" defaultValue={filter.pillar}>
            <option value="">All pillars</option>
            {pillarKeys.map((p) => (
              <option key={p} value={p}>
                {pillarNames[p]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" name="status" defaultValue={filter.status}>
            <option value="">Any status</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit">Filter</button>
          {filtered ? (
            <Link to="/app/proposals" className="button secondary">
              Show all
            </Link>
          ) : null}
        </div>
      </Form>

      <p role="status">
        {proposals.length === 0
          ? page > 1
            ? "No more proposals: this page is past the last one."
            : filtered
              ? "No proposal matches these filters."
              : "No proposal has been started yet."
          : paged
            ? `Proposals ${first}–${first + proposals.length - 1}${filtered ? " matching these filters" : ""}, newest change first (page ${page}).`
            : `${proposals.length} ${proposals.length === 1 ? "proposal" : "proposals"}${filtered ? " match" + (proposals.length === 1 ? "es" : "") : ""}.`}
      </p>
      {proposals.length > 0 ? (
        <TableScroll label="Proposals">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Pillars</th>
                <th scope="col">Lead organization</th>
                <th scope="col">Status</th>
                <th scope="col">Last change</th>
              </tr>
            </thead>
            <tbody>
              {proposals.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {/* A document load: the editor page has its own security policy (inline caret styles). */}
                    <Link to={`/app/proposals/${p.id}`} reloadDocument>
                      {p.title}
                    </Link>
                    {p.sponsors.length > 0 ? <div className="proposal-meta">With {p.sponsors.join(", ")}</div> : null}
                  </th>
                  <td data-label="Pillars">{p.pillars.map((k) => pillarNames[k]).join(", ")}</td>
                  <td data-label="Lead organization">{p.leadOrganizationName}</td>
                  <td data-label="Status">{statusLabels[p.status]}</td>
                  <td data-label="Last change">
                    <time dateTime={p.updatedAt}>{p.lastChange}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <Pager label="Pages of proposals" {...pages} where={`Page ${page}`} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Proposals · CARE Table" }];
