import type { ActionFunctionArgs } from "@remix-run/node";
import { describeReadingGrade } from "../lib/reading-grade.server";
import { requirePermission } from "../lib/session.server";

/** Longer than any summary the forms accept (2,000 characters), so the grade follows any typing. */
const MAX_TEXT = 20_000;

/** Nothing to read here: the grade is asked with the text (POST). */
export function loader() {
  return Response.json({ error: "Send the text with POST." }, { status: 405, headers: { Allow: "POST" } });
}

/**
 * The reading grade of a text as the page shows it beside a position's summary while the convener
 * types (components/reading-grade.tsx): the same function that grades the stored summary.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  await requirePermission(request, context, "position:publish");
  if (request.method !== "POST") return Response.json({ error: "Send the text with POST." }, { status: 405, headers: { Allow: "POST" } });
  const text = (await request.formData()).get("text");
  if (typeof text !== "string") return Response.json({ error: "Send the text to grade as the field text." }, { status: 400 });
  if (text.length > MAX_TEXT)
    return Response.json({ error: `The text is longer than ${MAX_TEXT.toLocaleString("en-US")} characters.` }, { status: 400 });
  return Response.json({ grade: describeReadingGrade(text) }, { headers: { "Cache-Control": "no-store" } });
}
