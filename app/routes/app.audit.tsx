import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { auditActionLabel } from "../lib/audit-words";
import { requirePermission } from "../lib/session.server";
import { formatInstant } from "../lib/time";
import { listAuditPage } from "../models/audit.server";
import { readerTimeZone } from "../models/time-zone.server";
import { TableScroll } from "../components/table-scroll";
import { Pager } from "../components/pager";
import { keysetPageLinks, parseSequence, readCursor } from "../lib/paging";

const PAGE = 100;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "audit:read");
  const zone = await readerTimeZone(context, person);
  const page = await listAuditPage(context, readCursor(new URL(request.url).searchParams, parseSequence), PAGE);
  return {
    pages: keysetPageLinks("/app/audit", {}, page, (e) => e.seq),
    events: page.rows.map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      when: formatInstant(e.at, zone),
      actor: e.actorName ?? "The platform",
      action: auditActionLabel(e.action),
      subject: `${e.subjectType}${e.subjectLabel ? `: ${e.subjectLabel}` : ""}`,
      before: e.before === null ? null : JSON.stringify(e.before, null, 1),
      after: e.after === null ? null : JSON.stringify(e.after, null, 1),
      hash: e.hash,
    })),
  };
}

export default function Audit() {
  const { events, pages } = useLoaderData<typeof loader>();
  const range = events.length > 0 ? `Events ${events[0]!.seq} to ${events[events.length - 1]!.seq}, newest first` : "";
  return (
    <>
      <h1>Audit trail</h1>
      <p>
        Every change that matters, newest first. Each event is chained to the one before it by a SHA-256 hash, so an event changed or
        removed later breaks the chain; whoever runs the server can check the whole chain with its audit check.
      </p>
      {events.length === 0 ? (
        <p className="empty">No events yet.</p>
      ) : (
        <TableScroll label="Audit log">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">About</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td data-label="Event">{e.seq}</td>
                  <td data-label="When">
                    <time dateTime={e.at}>{e.when}</time>
                  </td>
                  <td data-label="Who">{e.actor}</td>
                  <td data-label="What">{e.action}</td>
                  <td data-label="About">{e.subject}</td>
                  <td data-label="Change">
                    {e.before || e.after ? (
                      <details>
                        <summary>
                          Details<span className="visually-hidden"> of event {e.seq}</span>
                        </summary>
                        {e.before ? (
                          <>
                            <p>Before:</p>
                            <pre className="mail-body">{e.before}</pre>
                          </>
                        ) : null}
                        {e.after ? (
                          <>
                            <p>After:</p>
                            <pre className="mail-body">{e.after}</pre>
                          </>
                        ) : null}
                        <p>
                          Hash: <code className="copyable">{e.hash}</code>
                        </p>
                      </details>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager label="Pages of the audit trail" {...pages} where={range} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Audit trail · CARE Table" }];
