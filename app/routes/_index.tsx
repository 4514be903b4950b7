import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import textStyles from "../styles/text.css";
import { Link, useLoaderData } from "@remix-run/react";
import { PublicLayout } from "../components/layout";
import { MemberWall } from "../components/members";
import { Paragraphs } from "../components/paragraphs";
import { publicMeta } from "../lib/meta";
import { leadOf, summaryOf } from "../lib/paragraphs";
import type { RouteHandle } from "../lib/route-handle";
import { listPositionCards } from "../models/positions.server";
import { getSiteProfile, listPublicMembers } from "../models/site.server";
import { PositionList } from "../components/position-list";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: textStyles }];

export const handle: RouteHandle = { publicCache: true };

export async function loader({ context }: LoaderFunctionArgs) {
  const [{ coalition, pillars }, members] = await Promise.all([getSiteProfile(context), listPublicMembers(context)]);
  const { positions } = await listPositionCards(context, { limit: 3, offset: 0 }, coalition.timeZone);
  return {
    name: coalition.name,
    tagline: coalition.tagline,
    about: coalition.about,
    vision: coalition.vision,
    context: coalition.context,
    convenerLine: coalition.convenerLine,
    pillars: pillars.map((p) => ({
      key: p.key,
      name: p.name,
      lead: leadOf(p.description),
    })),
    members: members.map((m) => ({
      name: m.name,
      shortName: m.shortName,
      website: m.website,
      logo: m.logo,
    })),
    positions,
  };
}

export default function Home() {
  const { name, tagline, about, vision, context, convenerLine, pillars, members, positions } = useLoaderData<typeof loader>();
  return (
    <PublicLayout>
      <div className="hero">
        <h1>{name}</h1>
        {tagline ? <p className="tagline">{tagline}</p> : null}
        <Paragraphs text={about} />
        <p className="actions">
          <Link className="button" to="/join">
            Ask to join
          </Link>
          <Link to="/members">Meet the members</Link>
        </p>
      </div>

      <section aria-labelledby="vision">
        <h2 id="vision">Our vision</h2>
        <Paragraphs text={vision} />
        <Paragraphs text={context} />
      </section>

      <section aria-labelledby="pillars">
        <h2 id="pillars">The four CARE pillars</h2>
        <ul className="cards pillar-cards">
          {pillars.map((p) => (
            <li className="card pillar-card" key={p.key}>
              <h3>{p.name}</h3>
              <p>{p.lead}</p>
              <p className="more">
                <Link to={`/pillars/${p.key}`}>{`More about ${p.name}`}</Link>
              </p>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="members">
        <h2 id="members">Member organizations</h2>
        {members.length === 0 ? <p className="empty">The member organizations will be listed here.</p> : <MemberWall members={members} />}
        <p>
          <Link to="/members">All members and their work</Link>
        </p>
      </section>

      <section aria-labelledby="positions">
        <h2 id="positions">Latest positions</h2>
        {positions.length === 0 ? (
          <p className="empty">Positions will appear here once the member organizations adopt them by consensus.</p>
        ) : (
          <PositionList positions={positions} />
        )}
        <p>
          <Link to="/positions">All positions</Link>
        </p>
      </section>

      {convenerLine ? (
        <section aria-labelledby="convener">
          <h2 id="convener">Who convenes the table</h2>
          <p>{convenerLine}</p>
        </section>
      ) : null}

      <section aria-labelledby="join" className="invitation">
        <h2 id="join">Join us</h2>
        <p>
          There is strength in numbers. We welcome patient advocacy groups and other health care organizations that share our aim of
          patient-centered reform in coverage, access, research and equity.
        </p>
        <p>
          <Link className="button" to="/join">
            Ask to join
          </Link>
        </p>
      </section>
    </PublicLayout>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  publicMeta(matches, {
    title: null,
    description: summaryOf(data?.tagline || data?.about || ""),
    path: "/",
  });
