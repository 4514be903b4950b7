import type { LoaderFunctionArgs } from "@remix-run/node";
import { absoluteUrl } from "../models/mail.server";
import { getPublicPosition, publicView } from "../models/positions.server";
import { coalitionTimeZone } from "../models/time-zone.server";

/** One released position as JSON (README: "JSON API"). Unpublished and unknown alike: 404. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const position = await getPublicPosition(context, params.slug ?? "");
  if (!position) return Response.json({ error: "not found" }, { status: 404, headers: { "Cache-Control": "public, max-age=60" } });
  const timeZone = await coalitionTimeZone(context);
  const { adopted: _a, published: _p, ...view } = publicView(position, timeZone);
  return Response.json(
    { ...view, url: absoluteUrl(context, `/positions/${position.slug}`) },
    { headers: { "Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*" } },
  );
}
