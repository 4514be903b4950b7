import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { auditActionLabel } from "../lib/audit-words";
import { requirePermission } from "../lib/session.server";
import { formatInstant } from "../lib/time";
import { listAuditPage } from "../models/audit.server";
import { readerTimeZone } from "../models/dashboard.server";
import { TableScroll } from "../components/table-scroll";

const PAGE = 100;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "audit:read");
  const zone = await readerTimeZone(context, person);
  const beforeParam = Number(new URL(request.url).searchParams.get("before"));
  const before = Number.isSafeInteger(beforeParam) && beforeParam > 0 ? beforeParam : undefined;
  const events = await listAuditPage(context, { limit: PAGE, before });
  return {
    events: events.map((e) => ({
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
    next: events.length === PAGE ? events[events.length - 1]!.seq : null,
  };
}

export default function Audit() {
  const { events, next } = useLoaderData<typeof loader>();
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
      {next ? (
        <p>
          <Link to={`/app/audit?before=${next}`}>Older events</Link>
        </p>
      ) : null}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Audit trail · CARE Table" }];
