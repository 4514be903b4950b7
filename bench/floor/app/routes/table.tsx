import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

/** Dates as the platform writes them: one formatter, kept (making one costs more than using it). */
const dates = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "America/New_York" });

/** A list page of `rows` rows, each a link and four cells: the shape of the platform's lists. */
export function loader({ request }: LoaderFunctionArgs) {
  const rows = Math.min(500, Number(new URL(request.url).searchParams.get("rows") ?? 50));
  return {
    rows: Array.from({ length: rows }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      title: `Proposal ${i}: timely care close to home for people who live with a disability`,
      lead: `Member organization ${i % 17}`,
      status: i % 3 === 0 ? "adopted" : "draft",
      updatedAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    })),
  };
}

export default function Table() {
  const { rows } = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>Proposals</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Lead</th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>
                <a href={`/proposals/${row.id}`}>{row.title}</a>
              </td>
              <td>{row.lead}</td>
              <td>{row.status}</td>
              <td>
                <time dateTime={row.updatedAt}>{dates.format(new Date(row.updatedAt))}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
