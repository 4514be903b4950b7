import type { LoaderFunctionArgs } from "@remix-run/node";
import { toCsv } from "../lib/csv.server";
import { requirePermission } from "../lib/session.server";
import { getRoundResults } from "../models/round-page.server";
import { notFound } from "../lib/not-found";

/** The round's answers as CSV, for conveners. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "round:manage");
  const results = await getRoundResults(context, params.roundId ?? "");
  if (!results) throw notFound();
  const csv = toCsv(
    ["Organization", "Option", "Reason", "Listed publicly", "Cast by", "Time (UTC)", "Note"],
    results.rows.map((r) => [r.organization, r.option, r.reason, r.listedPublicly, r.castBy, r.time, r.note]),
  );
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="round-${params.roundId}-results.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
