import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PublicLayout } from "../components/layout";
import { OrganizationBadge } from "../components/members";
import { Paragraphs } from "../components/paragraphs";
import { publicMeta } from "../lib/meta";
import { pillarNames, type PillarKey } from "../lib/pillars";
import type { RouteHandle } from "../lib/route-handle";
import { listPublicMembers } from "../models/site.server";

export const handle: RouteHandle = { publicCache: true };

export async function loader({ context }: LoaderFunctionArgs) {
  return { members: await listPublicMembers(context) };
}

export default function Members() {
  const { members } = useLoaderData<typeof loader>();
  return (
    <PublicLayout>
      <h1>Member organizations</h1>
      {members.length === 0 ? (
        <p className="empty">No member organizations are listed yet.</p>
      ) : (
        <>
          <p>{members.length === 1 ? "One organization" : `${members.length} organizations`} work together at the table.</p>
          <ul className="member-list">
            {members.map((m) => (
              <li key={m.id} className="member">
                <div className="member-mark">
                  <OrganizationBadge name={m.name} shortName={m.shortName} logo={m.logo} size="large" />
                </div>
                <div>
                  <h2>
                    {m.name}
                    {m.shortName && m.shortName !== m.name ? ` (${m.shortName})` : ""}
                  </h2>
                  <Paragraphs text={m.description} />
                  {m.pillars.length > 0 ? (
                    <p>
                      Pillars:{" "}
                      {m.pillars.map((p, i) => (
                        <span key={p}>
                          {i > 0 ? ", " : ""}
                          <Link to={`/pillars/${p}`}>{pillarNames[p as PillarKey]}</Link>
                        </span>
                      ))}
                    </p>
                  ) : null}
                  {m.website ? (
                    <p>
                      <a href={m.website}>
                        {hostOf(m.website)}
                        <span className="visually-hidden"> (the website of {m.name})</span>
                      </a>
                    </p>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        Would your organization like to take part? <Link to="/join">Ask to join</Link>.
      </p>
    </PublicLayout>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return url;
  }
}

export const meta: MetaFunction<typeof loader> = ({ matches }) =>
  publicMeta(matches, {
    title: "Member organizations",
    description: "The patient advocacy groups and supporting organizations that make up the coalition.",
    path: "/members",
  });
