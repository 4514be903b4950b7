import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { pool } from "../db.server";

/**
 * A form post answered with a redirect, as a ballot is: the form read, then `statements` round
 * trips to PostgreSQL (BEGIN, the rest, COMMIT; none when 0) on one pooled connection.
 */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const option = String(form.get("option") ?? "");
  const statements = Number(new URL(request.url).searchParams.get("statements") ?? 0);
  if (statements >= 2) {
    const client = await pool.connect();
    try {
      await client.query("begin");
      for (let i = 0; i < statements - 2; i++) await client.query("select $1::text as option, clock_timestamp() as at", [option]);
      await client.query("commit");
    } finally {
      client.release();
    }
  }
  return redirect("/ballot?done=1");
}

export default function Ballot() {
  return <p>Recorded.</p>;
}
