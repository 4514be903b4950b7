import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "../lib/session.server";
import { formatInstant } from "../lib/time";
import { readerTimeZone } from "../models/time-zone.server";
import { listOutboxForConveners } from "../models/outbox.server";
import { Pager } from "../components/pager";
import { keysetPageLinks, readCursor } from "../lib/paging";
import { isUuid } from "../lib/uuid";

/** Mails on one page of the outbox. */
const PAGE_SIZE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "outbox:read");
  const zone = await readerTimeZone(context, person);
  const cursor = readCursor(new URL(request.url).searchParams, (v) => (isUuid(v) ? v.toLowerCase() : null));
  const { page, sends } = await listOutboxForConveners(context, cursor, PAGE_SIZE);
  return {
    sends,
    pages: keysetPageLinks("/app/outbox", {}, page, (m) => m.id),
    latest: !page.newer,
    mails: page.rows.map((m) => ({ ...m, created: formatInstant(m.createdAt, zone) })),
  };
}

const statusWords = {
  kept: "Kept here (no mail server set)",
  queued: "Waiting to be sent",
  sent: "Sent",
  failed: "Could not be sent",
} as const;

export default function Outbox() {
  const { mails, sends, pages, latest } = useLoaderData<typeof loader>();
  const range =
    mails.length > 0
      ? `${latest ? "The latest mail" : "Mail"}, written ${mails[mails.length - 1]!.created} to ${mails[0]!.created}, newest first`
      : "";
  return (
    <>
      <h1>Outbox</h1>
      <p>
        Every mail the platform has sent or would send, newest first.{" "}
        {sends
          ? "Mail goes out through the configured mail server."
          : "No mail server is set up yet, so mail is kept here only and nobody receives it: pass links on yourself."}
      </p>
      {mails.length === 0 ? (
        <p className="empty">No mail yet. Invitations, password-reset links and notices will appear here.</p>
      ) : (
        <ul className="plain-list">
          {mails.map((m) => (
            <li key={m.id} className="card">
              <details>
                <summary>
                  <strong>{m.subject}</strong> to {m.toAddress}, {m.created}. {statusWords[m.status]}
                  {m.status === "queued" && m.attempts > 0 ? ` (attempt ${m.attempts})` : ""}
                </summary>
                {m.lastError ? <p className="field-error">Last error: {m.lastError}</p> : null}
                <pre className="mail-body">{m.body}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
      <Pager label="Pages of the outbox" {...pages} where={range} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Outbox · CARE Table" }];
