import type { LoaderFunctionArgs } from "@remix-run/node";
import { absoluteUrl } from "../models/mail.server";
import { isPillar, listPublicPositions } from "../models/positions.server";
import { readPageNumber } from "../lib/paging";

const PAGE_SIZE = 50;

/** Released positions as JSON, newest first; `?pillar=`, `?q=` and `?page=` as on /positions. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const pillarParam = url.searchParams.get("pillar");
  const page = readPageNumber(url.searchParams);
  const q = (url.searchParams.get("q") ?? "").slice(0, 200);
  const { rows, total } = await listPublicPositions(context, {
    pillar: isPillar(pillarParam) ? pillarParam : undefined,
    q,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  return Response.json(
    {
      total,
      page,
      pageSize: PAGE_SIZE,
      positions: rows.map((r) => ({
        slug: r.slug,
        title: r.title,
        summary: r.summary,
        pillars: r.pillars,
        status: r.status === "scheduled" ? "published" : r.status,
        adoptedAt: r.adoptedAt.toISOString(),
        publishedAt: r.releaseAt.toISOString(),
        url: absoluteUrl(context, `/positions/${r.slug}`),
      })),
    },
    { headers: { "Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*" } },
  );
}
