import { Link } from "@remix-run/react";
import { pillarNames, type PillarKey } from "../lib/pillars";

interface Segment {
  text: string;
  match: boolean;
}

export interface PositionCardView {
  slug: string;
  title: Segment[];
  summary: Segment[];
  pillars: string[];
  status: "published" | "withdrawn" | "superseded";
  adopted: string;
  adoptedAt: string;
}

function Highlighted({ segments }: { segments: Segment[] }) {
  return <>{segments.map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}

/** Positions as a list of cards: title, status, pillars, adoption date, summary (search words marked). */
export function PositionList({ positions, headingLevel = 3 }: { positions: PositionCardView[]; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <ul className="position-list">
      {positions.map((p) => (
        <li key={p.slug}>
          <Heading>
            <Link to={`/positions/${p.slug}`}>
              <Highlighted segments={p.title} />
            </Link>
          </Heading>
          <p className="hint">
            {p.status !== "published" ? <strong className="status-badge">{p.status}. </strong> : null}
            Adopted <time dateTime={p.adoptedAt}>{p.adopted}</time> · {p.pillars.map((k) => pillarNames[k as PillarKey] ?? k).join(", ")}
          </p>
          <p>
            <Highlighted segments={p.summary} />
          </p>
        </li>
      ))}
    </ul>
  );
}
