import type { LoaderFunctionArgs } from "@remix-run/node";
import { Feed } from "feed";
import { absoluteUrl } from "../models/mail.server";
import { listPublicPositions } from "../models/positions.server";
import { getSiteProfile } from "../models/site.server";

/** The latest released positions as an Atom feed. */
export async function loader({ context }: LoaderFunctionArgs) {
  const [{ coalition }, { rows }] = await Promise.all([getSiteProfile(context), listPublicPositions(context, { limit: 50, offset: 0 })]);
  const home = absoluteUrl(context, "/");
  const feed = new Feed({
    title: `${coalition.name}: adopted positions`,
    description: coalition.tagline,
    id: home,
    link: home,
    language: "en",
    copyright: coalition.name,
    updated: rows[0]?.releaseAt ?? new Date(0),
    feedLinks: { atom: absoluteUrl(context, "/feed.atom") },
    author: { name: coalition.name, link: home },
  });
  for (const r of rows) {
    const link = absoluteUrl(context, `/positions/${r.slug}`);
    feed.addItem({
      title: r.status === "withdrawn" ? `Withdrawn: ${r.title}` : r.status === "superseded" ? `Superseded: ${r.title}` : r.title,
      id: link,
      link,
      description: r.summary,
      date: r.releaseAt,
      published: r.releaseAt,
    });
  }
  return new Response(feed.atom1(), {
    headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "public, max-age=60" },
  });
}
