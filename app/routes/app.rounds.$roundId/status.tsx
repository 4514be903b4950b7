import { formatTenths } from "../../lib/round-outcome";
import type { RoundPageData } from "./route";

/**
 * The round's state in one sentence (a live region: a screen reader hears it change), two bars
 * with their numbers written out, and links to the ballot form and the convener's tools.
 */
export function RoundStatus({ page }: { page: RoundPageData }) {
  const t = page.tally;
  const canCast = page.myOrganization?.canCast;
  return (
    <section aria-labelledby="status">
      <h2 id="status">Status</h2>
      <p className="status-sentence" role="status" aria-live="polite">
        {page.statusSentence}
      </p>
      {page.explanation ? <p>As recorded at the close: {page.explanation}.</p> : null}
      {page.outcomeStatement ? <p className="preserve-lines">{page.outcomeStatement}</p> : null}
      {page.status !== "cancelled" ? (
        <div className="round-bars">
          <div className="round-bar">
            <span id="bar-answers">
              Answers: {t.answered} of {t.rosterSize} organizations; {t.quorumNeeded} needed for the quorum
            </span>
            <meter aria-labelledby="bar-answers" min={0} max={Math.max(t.rosterSize, 1)} value={t.answered} />
          </div>
          {page.seeAll ? (
            <div className="round-bar">
              <span id="bar-support">
                Support:{" "}
                {t.supportTenths === null
                  ? "no endorsement or objection yet"
                  : `${t.support} of ${t.support + t.against} (${formatTenths(t.supportTenths)})`}
                ; {page.rule.thresholdPercent} % needed
              </span>
              <meter aria-labelledby="bar-support" min={0} max={1000} value={t.supportTenths ?? 0} />
            </div>
          ) : null}
        </div>
      ) : null}
      <details>
        <summary>How the decision is made</summary>
        <p>{page.ruleText}</p>
      </details>
      {canCast || page.isConvener ? (
        <ul className="jump-links">
          {canCast ? (
            <li>
              <a href="#my-ballot">Cast your organization&apos;s ballot</a>
            </li>
          ) : null}
          {page.isConvener ? (
            <li>
              <a href="#convener">Convener tools</a>
            </li>
          ) : null}
        </ul>
      ) : null}
    </section>
  );
}
