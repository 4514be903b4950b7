import { countOf } from "../lib/plural";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import textStyles from "../styles/text.css";
import { Link, useLoaderData } from "@remix-run/react";
import { PublicErrorBoundary } from "../components/error-page";
import { PublicLayout } from "../components/layout";
import { MemberWall } from "../components/members";
import { Paragraphs } from "../components/paragraphs";
import { notFoundMeta, publicMeta } from "../lib/meta";
import { summaryOf } from "../lib/paragraphs";
import type { RouteHandle } from "../lib/route-handle";
import { listPositionCards } from "../models/positions.server";
import { getSiteProfile, listPublicMembers } from "../models/site.server";
import { PositionList } from "../components/position-list";
import { notFound } from "../lib/not-found";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: textStyles }];

export const handle: RouteHandle = { publicCache: true };

export async function loader({ params, context }: LoaderFunctionArgs) {
  const [{ coalition, pillars }, members] = await Promise.all([getSiteProfile(context), listPublicMembers(context)]);
  const pillar = pillars.find((p) => p.key === params.pillar);
  if (!pillar) throw notFound();
  const { positions, total } = await listPositionCards(context, { pillar: pillar.key, limit: 5, offset: 0 }, coalition.timeZone);
  return {
    positions,
    totalPositions: total,
    pillar: {
      key: pillar.key,
      name: pillar.name,
      description: pillar.description,
    },
    others: pillars.filter((p) => p.key !== pillar.key).map((p) => ({ key: p.key, name: p.name })),
    members: members
      .filter((m) => m.pillars.includes(pillar.key))
      .map((m) => ({ name: m.name, shortName: m.shortName, website: m.website, logo: m.logo })),
  };
}

export default function Pillar() {
  const { pillar, others, members, positions, totalPositions } = useLoaderData<typeof loader>();
  return (
    <PublicLayout>
      <p className="eyebrow">A CARE pillar</p>
      <h1>{pillar.name}</h1>
      <Paragraphs text={pillar.description} />

      <h2>Positions on {pillar.name.toLowerCase()}</h2>
      {positions.length === 0 ? (
        <p className="empty">Positions on {pillar.name.toLowerCase()} will appear here once the members adopt them.</p>
      ) : (
        <>
          <PositionList positions={positions} />
          {totalPositions > positions.length ? (
            <p>
              <Link to={`/positions?pillar=${pillar.key}`}>
                All {countOf(totalPositions, "position", "positions")} on {pillar.name.toLowerCase()}
              </Link>
            </p>
          ) : null}
        </>
      )}

      <h2>Members working on {pillar.name.toLowerCase()}</h2>
      {members.length === 0 ? (
        <p className="empty">No member has named {pillar.name.toLowerCase()} as one of its primary pillars yet.</p>
      ) : (
        <MemberWall members={members} />
      )}

      <nav aria-label="Other pillars">
        <h2>The other pillars</h2>
        <ul className="inline-list">
          {others.map((p) => (
            <li key={p.key}>
              <Link to={`/pillars/${p.key}`}>{p.name}</Link>
            </li>
          ))}
        </ul>
      </nav>
    </PublicLayout>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches, params }) =>
  data
    ? publicMeta(matches, {
        title: data.pillar.name,
        description: summaryOf(data.pillar.description),
        path: `/pillars/${params.pillar}`,
      })
    : notFoundMeta(matches);

export const ErrorBoundary = PublicErrorBoundary;
