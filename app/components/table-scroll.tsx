import type { ReactNode } from "react";

/**
 * A table that may be wider than a phone's screen: it scrolls sideways inside this region (never
 * the page), and the region takes keyboard focus so it can be scrolled without a pointer (axe's
 * "scrollable-region-focusable"). The label names the region for screen readers.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // A scrollable region must be focusable to be scrolled by keyboard (WCAG 2.1.1); it has a role and a name.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
