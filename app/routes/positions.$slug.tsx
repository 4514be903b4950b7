import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import textStyles from "../styles/text.css";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PublicErrorBoundary } from "../components/error-page";
import { PublicLayout } from "../components/layout";
import { OrganizationBadge } from "../components/members";
import { Paragraphs } from "../components/paragraphs";
import { notFoundMeta, publicMeta } from "../lib/meta";
import { pillarNames, type PillarKey } from "../lib/pillars";
import type { RouteHandle } from "../lib/route-handle";
import { getPublicPosition, positionPage } from "../models/positions.server";
import { coalitionTimeZone } from "../models/time-zone.server";
import { notFound } from "../lib/not-found";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: textStyles }];

export const handle: RouteHandle = { publicCache: true };

export async function loader({ params, context }: LoaderFunctionArgs) {
  const slug = params.slug ?? "";
  const position = await getPublicPosition(context, slug);
  if (!position) throw notFound();
  // An earlier slug (the title changed): the address keeps working.
  if (position.slug !== slug) throw redirect(`/positions/${position.slug}`, 301);
  const timeZone = await coalitionTimeZone(context);
  return positionPage(context, position, timeZone);
}

export default function PositionPage() {
  const p = useLoaderData<typeof loader>();
  return (
    <PublicLayout>
      <article className="position" aria-labelledby="position-title">
        <p className="eyebrow">
          Adopted position of <span className="coalition-name">{p.coalitionName}</span>
        </p>
        <h1 id="position-title">{p.title}</h1>
        {p.status === "withdrawn" ? (
          <div className="notice warning" role="note">
            <p>
              <strong>This position was withdrawn.</strong> {p.withdrawReason}
            </p>
          </div>
        ) : null}
        {p.status === "superseded" ? (
          <div className="notice warning" role="note">
            <p>
              <strong>This position was superseded</strong>
              {p.successor ? (
                <>
                  {" "}
                  by <Link to={`/positions/${p.successor.slug}`}>{p.successor.title}</Link>.
                </>
              ) : (
                " by a newer position."
              )}
            </p>
          </div>
        ) : null}
        <dl className="facts">
          <dt>Pillars</dt>
          <dd>
            {p.pillars.map((k, i) => (
              <span key={k}>
                {i > 0 ? ", " : ""}
                <Link to={`/pillars/${k}`}>{pillarNames[k as PillarKey]}</Link>
              </span>
            ))}
          </dd>
          <dt>Adopted</dt>
          <dd>
            <time dateTime={p.adoptedAt}>{p.adopted}</time>
          </dd>
          <dt>Published</dt>
          <dd>
            <time dateTime={p.publishedAt}>{p.published}</time>
          </dd>
          <dt>Taking part</dt>
          <dd>{`${p.participants} of ${p.rosterSize} member organizations answered the consensus round`}</dd>
          <dt className="print-only">Address</dt>
          <dd className="print-only">{p.address}</dd>
          {p.contactEmail ? (
            <>
              <dt className="print-only">Contact</dt>
              <dd className="print-only">{p.contactEmail}</dd>
            </>
          ) : null}
        </dl>

        <section aria-labelledby="summary">
          <h2 id="summary">In plain words</h2>
          <Paragraphs text={p.summary} />
        </section>

        <section aria-labelledby="text">
          <h2 id="text">The position</h2>
          <div className="proposal-text" dangerouslySetInnerHTML={{ __html: p.html }} />
        </section>

        <section aria-labelledby="endorsers">
          <h2 id="endorsers">Endorsed by</h2>
          {p.endorsers.length === 0 ? (
            <p>No organization asked to be listed by name.</p>
          ) : (
            <ul className="endorsers">
              {p.endorsers.map((e) => (
                <li key={e.name}>
                  <OrganizationBadge name={e.name} logo={e.logo ? { src: e.logo, width: null, height: null } : null} size="small" />
                  {e.website ? <a href={e.website}>{e.name}</a> : <span>{e.name}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>

        <details className="verify">
          <summary>How to verify this text</summary>
          <p>
            Fingerprint of the text: <Hash value={p.fingerprint} />
          </p>
          <p>
            The fingerprint is a SHA-256 checksum of the text as the member organizations voted on it: the same text always gives the same
            fingerprint, and any change, even to one comma, gives a different one.
          </p>
          <p>
            Last entry of the audit trail at publication: <Hash value={p.auditHead} />
          </p>
          <p>
            Every change the coalition records is chained to the one before it, and this entry records this publication, so the record
            cannot be rewritten later without it showing.
          </p>
          <p>
            <a href={`/api/positions/${p.slug}`}>Data for developers</a>
          </p>
        </details>

        <p className="no-print">
          <Link to="/positions">All positions</Link>
        </p>
      </article>
    </PublicLayout>
  );
}

/** A SHA-256 hash, set as two even lines of 32 characters (text.css), whole for copying and searching. */
function Hash({ value }: { value: string }) {
  return <code className="hash">{value}</code>;
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  data
    ? publicMeta(matches, { title: data.title, description: data.summary.slice(0, 200), path: `/positions/${data.slug}` })
    : notFoundMeta(matches);

export const ErrorBoundary = PublicErrorBoundary;
