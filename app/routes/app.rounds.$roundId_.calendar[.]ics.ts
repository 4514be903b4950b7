import type { LoaderFunctionArgs } from "@remix-run/node";
import { createEvent } from "ics";
import { requirePermission } from "../lib/session.server";
import { absoluteUrl } from "../models/mail.server";
import { getRoundDeadline } from "../models/round-page.server";
import { notFound } from "../lib/not-found";

/** The round's deadline as a calendar event (times in UTC, which every calendar converts). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "proposal:read");
  const round = await getRoundDeadline(context, params.roundId ?? "");
  if (!round) throw notFound();
  const start = round.deadline.getTime() - 30 * 60 * 1000;
  const url = absoluteUrl(context, `/app/rounds/${round.id}`);
  const { error, value } = createEvent({
    uid: `round-${round.id}@care-table`,
    title: `Ballot due: ${round.title}`,
    description: `The consensus round on "${round.title}" closes at the end of this event. Cast or change your organization's ballot before then: ${url}`,
    url,
    start,
    end: round.deadline.getTime(),
    startInputType: "utc",
    startOutputType: "utc",
    endInputType: "utc",
    endOutputType: "utc",
    alarms: [{ action: "display", description: `Ballot due: ${round.title}`, trigger: { hours: 24, before: true } }],
  });
  if (error || !value) throw error ?? new Error("calendar event could not be made");
  return new Response(value, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="round-${round.id}.ics"`,
      "Cache-Control": "private, no-store",
    },
  });
}
