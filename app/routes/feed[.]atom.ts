import type { LoaderFunctionArgs } from "@remix-run/node";
import { atomFeed } from "../lib/atom";
import { absoluteUrl } from "../models/mail.server";
import { listPublicPositions } from "../models/positions.server";
import { getSiteProfile } from "../models/site.server";

/** The latest released positions as an Atom feed: titles and summaries as plain text. */
export async function loader({ context }: LoaderFunctionArgs) {
  const [{ coalition }, { rows }] = await Promise.all([getSiteProfile(context), listPublicPositions(context, { limit: 50, offset: 0 })]);
  const home = absoluteUrl(context, "/");
  const xml = atomFeed({
    id: home,
    title: `${coalition.name}: adopted positions`,
    subtitle: coalition.tagline || undefined,
    link: absoluteUrl(context, "/positions"),
    self: absoluteUrl(context, "/feed.atom"),
    language: "en",
    rights: coalition.name,
    updated: rows[0]?.releaseAt ?? new Date(0),
    author: { name: coalition.name, uri: home },
    entries: rows.map((r) => {
      const link = absoluteUrl(context, `/positions/${r.slug}`);
      return {
        id: link,
        link,
        title: r.status === "withdrawn" ? `Withdrawn: ${r.title}` : r.status === "superseded" ? `Superseded: ${r.title}` : r.title,
        summary: r.summary,
        updated: r.releaseAt,
        published: r.releaseAt,
      };
    }),
  });
  return new Response(xml, {
    headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "public, max-age=60" },
  });
}
