import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * The links between the pages of a list (app/lib/paging.ts builds them): plain links, so paging
 * works without JavaScript, in a navigation landmark named after the list, with where the reader
 * is in words. Renders nothing when the list fits on one page.
 */
export function Pager({
  label,
  previous,
  next,
  where,
  previousText = "Previous page",
  nextText = "Next page",
}: {
  /** The landmark's name: "Pages of proposals". */
  label: string;
  previous: string | null;
  next: string | null;
  /** Where this page is, in words ("Page 2", "Events 200 to 101"). */
  where?: ReactNode;
  previousText?: string;
  nextText?: string;
}) {
  if (!previous && !next) return null;
  return (
    <nav aria-label={label} className="pager">
      <ul className="inline-list">
        {previous ? (
          <li>
            <Link to={previous} rel="prev">
              {previousText}
            </Link>
          </li>
        ) : null}
        {where ? <li>{where}</li> : null}
        {next ? (
          <li>
            <Link to={next} rel="next">
              {nextText}
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
