import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { PublicLayout } from "../components/layout";
import { Pager } from "../components/pager";
import { PositionList } from "../components/position-list";
import { numberedPageLinks, readPageNumber } from "../lib/paging";
import { publicMeta } from "../lib/meta";
import { pillarKeys, pillarNames } from "../lib/pillars";
import type { RouteHandle } from "../lib/route-handle";
import { isPillar, listPositionCards } from "../models/positions.server";
import { coalitionTimeZone } from "../models/time-zone.server";
import textStyles from "../styles/text.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: textStyles }];

export const handle: RouteHandle = { publicCache: true };

const PAGE_SIZE = 10;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const pillarParam = url.searchParams.get("pillar");
  const pillar = isPillar(pillarParam) ? pillarParam : undefined;
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 200);
  const page = readPageNumber(url.searchParams);
  const timeZone = await coalitionTimeZone(context);
  const { positions, total } = await listPositionCards(context, { pillar, q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, timeZone);
  return {
    positions,
    total,
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    pillar: pillar ?? "",
    q,
  };
}

export default function Positions() {
  const { positions, total, page, pages, pillar, q } = useLoaderData<typeof loader>();
  const filtered = Boolean(pillar || q);
  // A page past the last one links back to the last one.
  const pageLinks = numberedPageLinks("/positions", { q, pillar }, Math.min(page, pages + 1), page < pages);
  return (
    <PublicLayout>
      <h1>Adopted positions</h1>
      <p>
        The coalition speaks only where its members agree. A position is a policy proposal that the member organizations drafted together
        and adopted by consensus, each organization casting one ballot.
      </p>
      <Form method="get" className="stack" role="search" aria-label="Positions">
        <div className="field">
          <label htmlFor="q">Search positions</label>
          <input type="search" id="q" name="q" defaultValue={q} />
        </div>
        <div className="field">
          <label htmlFor="pillar">Pillar</label>
          <select id="pillar" name="pillar" defaultValue={pillar}>
            <option value="">All pillars</option>
            {pillarKeys.map((k) => (
              <option key={k} value={k}>
                {pillarNames[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit">Search</button>
          {filtered ? <Link to="/positions">Show all positions</Link> : null}
        </div>
      </Form>
      <h2 id="results" aria-live="polite">
        {filtered
          ? `${total} position${total === 1 ? "" : "s"} found${q ? ` for “${q}”` : ""}${pillar ? ` in ${pillarNames[pillar as keyof typeof pillarNames]}` : ""}`
          : `${total} position${total === 1 ? "" : "s"}`}
      </h2>
      {positions.length === 0 ? (
        <p className="empty">
          {filtered
            ? "No position matches. Try other words, or all pillars."
            : "No position has been published yet. Positions will appear here, with the organizations that endorse them, once the members adopt them."}
        </p>
      ) : (
        <PositionList positions={positions} />
      )}
      <Pager label="Pages of positions" {...pageLinks} where={`Page ${page} of ${pages}`} />
      <p>
        <a href="/feed.atom">Follow new positions (feed)</a> · <a href="/api/positions">Data for developers</a>
      </p>
    </PublicLayout>
  );
}

export const meta: MetaFunction = ({ matches }) =>
  publicMeta(matches, {
    title: "Adopted positions",
    description: "The federal health-policy positions the coalition's member organizations adopted by consensus.",
    path: "/positions",
  });
