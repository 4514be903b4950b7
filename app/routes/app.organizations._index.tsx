import { countOf } from "../lib/plural";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { pillarNames, type PillarKey } from "../lib/pillars";
import { requirePermission } from "../lib/session.server";
import { listOrganizationsForConveners } from "../models/organizations.server";
import { TableScroll } from "../components/table-scroll";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "organization:manage");
  return { organizations: await listOrganizationsForConveners(context) };
}

const statusWords = { active: "Active", suspended: "Suspended", left: "Left" } as const;

export default function Organizations() {
  const { organizations } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>Organizations</h1>
      {params.get("added") ? (
        <p className="notice success" role="status">
          The organization was added.
        </p>
      ) : null}
      <p>
        <Link className="button" to="/app/organizations/new">
          Add organization
        </Link>
      </p>
      {organizations.length === 0 ? (
        <p className="empty">No organizations yet. Add the coalition&apos;s members here.</p>
      ) : (
        <TableScroll label="Organizations">
          <table className="stack-table">
            <caption>{countOf(organizations.length, "organization", "organizations")}</caption>
            <thead>
              <tr>
                <th scope="col">Organization</th>
                <th scope="col">Status</th>
                <th scope="col">Voting member</th>
                <th scope="col">Pillars</th>
                <th scope="col">People</th>
                <th scope="col">Voters</th>
              </tr>
            </thead>
            <tbody>
              {organizations.map((o) => (
                <tr key={o.id}>
                  <th scope="row">
                    <Link to={`/app/organizations/${o.id}`}>{o.name}</Link>
                    {o.shortName && o.shortName !== o.name ? ` (${o.shortName})` : ""}
                  </th>
                  <td data-label="Status">{statusWords[o.status]}</td>
                  <td data-label="Voting member">{o.votingMember ? "Yes" : "No"}</td>
                  <td data-label="Pillars">{o.pillars.length ? o.pillars.map((p) => pillarNames[p as PillarKey]).join(", ") : "None"}</td>
                  <td data-label="People">
                    {o.people.length === 0 ? "No one yet" : o.people.map((p) => p.name + (p.canVote ? " (voter)" : "")).join(", ")}
                  </td>
                  <td data-label="Voters">
                    {o.voterCount}
                    {o.voterCount === 0 && o.votingMember && o.status === "active" ? <span className="badge"> no voter</span> : null}
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

export const meta: MetaFunction = () => [{ title: "Organizations · CARE Table" }];
