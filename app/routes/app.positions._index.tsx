import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "../lib/session.server";
import { formatInstant } from "../lib/time";
import { readerTimeZone } from "../models/dashboard.server";
import { listPositionsForConveners } from "../models/positions.server";
import { TableScroll } from "../components/table-scroll";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "position:publish");
  const zone = await readerTimeZone(context, person);
  const positions = await listPositionsForConveners(context);
  return { positions: positions.map((p) => ({ ...p, release: formatInstant(p.releaseAt, zone) })) };
}

const statusWords = { scheduled: "Embargoed until", published: "Published", withdrawn: "Withdrawn", superseded: "Superseded" } as const;

export default function Positions() {
  const { positions } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Positions</h1>
      <p>Positions are published from the page of a round whose outcome is adopted.</p>
      {positions.length === 0 ? (
        <p className="empty">No position is published yet.</p>
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
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Positions · CARE Table" }];
