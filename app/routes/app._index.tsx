import { countOf } from "../lib/plural";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { can } from "../lib/permissions";
import { requirePerson } from "../lib/session.server";
import { getDashboard } from "../models/dashboard.server";
import { listMyProposals, statusLabels } from "../models/proposals.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const [dashboard, proposals] = await Promise.all([getDashboard(context, person), listMyProposals(context, person)]);
  return { person, dashboard, proposals, statusLabels };
}

export default function Dashboard() {
  const { person, dashboard, proposals, statusLabels } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>Dashboard</h1>
      {params.get("welcome") ? (
        <p className="notice success" role="status">
          Welcome, {person.name}. Your account is ready.
        </p>
      ) : null}
      {params.get("passwordChanged") ? (
        <p className="notice success" role="status">
          Your password was changed. Every other session of your account was signed out.
        </p>
      ) : null}
      {person.organizationStatus && person.organizationStatus !== "active" ? (
        <div className="notice warning" role="status">
          <p>
            {person.organizationName} is {person.organizationStatus === "suspended" ? "suspended" : "no longer a member"}: you can read, but
            not draft, comment or vote.
          </p>
        </div>
      ) : null}
      <p>
        Signed in as {person.name}
        {person.organizationName ? ` for ${person.organizationName}` : ""}
        {person.role === "convener" ? " (convener)" : person.canVote ? " (can vote for your organization)" : ""}.
      </p>

      <section aria-labelledby="waiting">
        <h2 id="waiting">{person.role === "convener" ? "Open consensus rounds" : "Rounds waiting for your organization's ballot"}</h2>
        {dashboard.rounds.length === 0 ? (
          <p className="empty">
            {person.role === "convener"
              ? "No consensus round is open. Open one from a draft proposal's page."
              : `No consensus round is waiting for ${person.organizationName ?? "your organization"}. When a convener opens a round, it appears here with its deadline${person.canVote ? ", and you can cast your organization's ballot" : ""}.`}
          </p>
        ) : (
          <ul>
            {dashboard.rounds.map((r) => (
              <li key={r.id}>
                <Link to={`/app/rounds/${r.id}`}>{r.proposalTitle}</Link>: due <time dateTime={r.deadlineIso}>{r.deadline}</time>
                {r.answer ? ` — your organization answered ${r.answer}` : person.role === "convener" ? "" : " — no answer yet"}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="mine">
        <h2 id="mine">Your proposals</h2>
        {can(person, "proposal:create") ? (
          <p>
            <Link to="/app/proposals/new" className="button">
              New proposal
            </Link>
          </p>
        ) : null}
        {proposals.length === 0 ? (
          <p className="empty">
            Proposals you draft or co-sponsor will be listed here, with their status and last change.{" "}
            <Link to="/app/proposals">See all proposals</Link>.
          </p>
        ) : (
          <ul>
            {proposals.map((p) => (
              <li key={p.id}>
                <Link to={`/app/proposals/${p.id}`} reloadDocument>
                  {p.title}
                </Link>
                : {statusLabels[p.status]}, led by {p.leadOrganizationName}, last change <time dateTime={p.updatedAt}>{p.lastChange}</time>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="activity">
        <h2 id="activity">Recent activity</h2>
        {dashboard.activity.length === 0 ? (
          <p className="empty">Changes to proposals, rounds and your organization will appear here.</p>
        ) : (
          <ul>
            {dashboard.activity.map((a) => (
              <li key={a.seq}>
                <time dateTime={a.at}>{a.when}</time>: {a.text}
              </li>
            ))}
          </ul>
        )}
      </section>

      {can(person, "organization:manage") ? (
        <section aria-labelledby="admin">
          <h2 id="admin">Coalition</h2>
          <ul>
            <li>
              <Link to="/app/organizations">{countOf(dashboard.counts.organizations, "organization", "organizations")}</Link>
            </li>
            <li>
              <Link to="/app/people">{countOf(dashboard.counts.people, "person", "people")}</Link>,{" "}
              {countOf(dashboard.counts.pendingInvitations, "pending invitation", "pending invitations")}
            </li>
          </ul>
        </section>
      ) : null}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Dashboard · CARE Table" }];
