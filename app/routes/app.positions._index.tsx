import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "../lib/session.server";
import { formatInstant } from "../lib/time";
import { readerTimeZone } from "../models/time-zone.server";
import { listPositionsForConveners } from "../models/positions.server";
import { TableScroll } from "../components/table-scroll";
import { Pager } from "../components/pager";
import { numberedPageLinks, readPageNumber } from "../lib/paging";

/** Positions on one page of the list. */
const PAGE_SIZE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "position:publish");
  const zone = await readerTimeZone(context, person);
  const page = readPageNumber(new URL(request.url).searchParams);
  // One more than a page: whether there is a next page, without counting them all.
  const rows = await listPositionsForConveners(context, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  return {
    positions: rows.slice(0, PAGE_SIZE).map((p) => ({ ...p, release: formatInstant(p.releaseAt, zone) })),
    page,
    first: (page - 1) * PAGE_SIZE + 1,
    hasNext: rows.length > PAGE_SIZE,
  };
}

const statusWords = { scheduled: "Embargoed until", published: "Published", withdrawn: "Withdrawn", superseded: "Superseded" } as const;

export default function Positions() {
  const { positions, page, first, hasNext } = useLoaderData<typeof loader>();
  const pages = numberedPageLinks("/app/positions", {}, page, hasNext);
  return (
    <>
      <h1>Positions</h1>
      <p>Positions are published from the page of a round whose outcome is adopted.</p>
      {positions.length === 0 ? (
        <p className="empty">{page > 1 ? "No more positions: this page is past the last one." : "No position is published yet."}</p>
      ) : (
        <TableScroll label="Positions">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Public page</th>
              </tr>
            </thead>
            <tbody>
              {positions.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <Link to={`/app/positions/${p.id}`}>{p.title}</Link>
                  </th>
                  <td data-label="Status">
                    {statusWords[p.status]} {p.status === "scheduled" || p.status === "published" ? p.release : ""}
                  </td>
                  <td data-label="Public page">
                    <a href={`/positions/${p.slug}`}>
                      Public page<span className="visually-hidden"> of {p.title}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager
        label="Pages of positions"
        {...pages}
        where={
          positions.length > 0 ? `Page ${page}: positions ${first}–${first + positions.length - 1}, latest release first` : `Page ${page}`
        }
      />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Positions · CARE Table" }];
