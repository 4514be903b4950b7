import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import textStyles from "../styles/text.css";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PublicErrorBoundary } from "../components/error-page";
import { PublicLayout } from "../components/layout";
import { Paragraphs } from "../components/paragraphs";
import { notFoundMeta, publicMeta } from "../lib/meta";
import { pillarNames, type PillarKey } from "../lib/pillars";
import type { RouteHandle } from "../lib/route-handle";
import { getPublicPosition, publicTimeZone, publicView } from "../models/positions.server";
import { notFound } from "../lib/not-found";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: textStyles }];

export const handle: RouteHandle = { publicCache: true };

export async function loader({ params, context }: LoaderFunctionArgs) {
  const slug = params.slug ?? "";
  const position = await getPublicPosition(context, slug);
  if (!position) throw notFound();
  // An earlier slug (the title changed): the address keeps working.
  if (position.slug !== slug) throw redirect(`/positions/${position.slug}`, 301);
  const timeZone = await publicTimeZone(context);
  return publicView(position, timeZone);
}

export default function PositionPage() {
  const p = useLoaderData<typeof loader>();
  return (
    <PublicLayout>
      <article className="position" aria-labelledby="position-title">
        <p className="eyebrow">Adopted position</p>
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
        </dl>

        <section aria-labelledby="summary">
          <h2 id="summary">In plain words</h2>
          <Paragraphs text={p.summary} />
        </section>

        <section aria-labelledby="endorsers">
          <h2 id="endorsers">Endorsed by</h2>
          {p.endorsers.length === 0 ? (
            <p>No organization asked to be listed by name.</p>
          ) : (
            <ul className="endorsers">
              {p.endorsers.map((e) => (
                <li key={e.name}>
                  {e.logo ? <img src={e.logo} alt="" width={48} height={48} loading="lazy" /> : null}
                  <span>{e.name}</span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="text">
          <h2 id="text">The position</h2>
          <div className="proposal-text" dangerouslySetInnerHTML={{ __html: p.html }} />
        </section>

        <section aria-labelledby="record" className="record">
          <h2 id="record">For the record</h2>
          <p>
            This is the text exactly as the member organizations voted on it. Its fingerprint (SHA-256 of the text) is{" "}
            <code className="copyable">{p.fingerprint}</code>. The coalition&apos;s audit trail at publication ended in{" "}
            <code className="copyable">{p.auditHead}</code>.
          </p>
          <p>
            <a href={`/api/positions/${p.slug}`}>This position as JSON</a> · <Link to="/positions">All positions</Link>
          </p>
        </section>
      </article>
    </PublicLayout>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  data
    ? publicMeta(matches, { title: data.title, description: data.summary.slice(0, 200), path: `/positions/${data.slug}` })
    : notFoundMeta(matches);

export const ErrorBoundary = PublicErrorBoundary;
