/**
 * Paging of list pages, one way for every list (README, "Paged lists"). Two kinds of address:
 *
 * - numbered pages (`?page=3`), for lists that are ordered by something other than time or are
 *   short enough for OFFSET (proposals ranked by last change, positions);
 * - keyset pages (`?before=…` / `?after=…`, a row's key), for lists that grow for years and are
 *   read newest first (the audit trail, the outbox, a proposal's discussion): each page is an index
 *   range, as fast on the thousandth page as on the first.
 *
 * A page address that is not one (`?page=abc`, a cursor that is not a key) is the first page.
 * Filters are kept by building every link from the list's own parameters (`pageHref`).
 */

/** The highest page number a numbered list serves (OFFSET beyond it would read the whole table). */
export const MAX_PAGE = 1000;

/** `?page=`: a whole number from 1 to MAX_PAGE; anything else is the first page. */
export function readPageNumber(params: URLSearchParams, name = "page"): number {
  const raw = params.get(name);
  if (raw === null || !/^\d{1,7}$/.test(raw)) return 1;
  const page = Number(raw);
  return page >= 1 ? Math.min(page, MAX_PAGE) : 1;
}

/** The address of a list page: the path, its filters (empty ones left out) and the page's own parameter. */
export function pageHref(path: string, params: Record<string, string | number | null | undefined>, hash = ""): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  const query = search.toString();
  return `${path}${query ? `?${query}` : ""}${hash}`;
}

/** A numbered page's links: `page` omitted for the first page, so page 1 has one address. */
export function numberedPageLinks(
  path: string,
  filters: Record<string, string | number | null | undefined>,
  page: number,
  hasNext: boolean,
  options: { param?: string; hash?: string } = {},
) {
  const param = options.param ?? "page";
  const at = (n: number) => pageHref(path, { ...filters, [param]: n > 1 ? n : null }, options.hash);
  return { previous: page > 1 ? at(page - 1) : null, next: hasNext ? at(page + 1) : null };
}

/** Where a keyset page starts: rows older than a key, newer than a key, or the newest (null). */
export type Cursor<K> = { before: K } | { after: K } | null;

/** Reads `?before=` / `?after=` (with a prefix when a page has several lists); keys `parse` refuses give the newest page. */
export function readCursor<K>(params: URLSearchParams, parse: (value: string) => K | null, prefix = ""): Cursor<K> {
  const before = params.get(`${prefix}before`);
  if (before !== null) {
    const key = parse(before);
    return key === null ? null : { before: key };
  }
  const after = params.get(`${prefix}after`);
  if (after !== null) {
    const key = parse(after);
    return key === null ? null : { after: key };
  }
  return null;
}

/** A sequence number as a key: a whole number from 1. */
export function parseSequence(value: string): number | null {
  if (!/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && Number.isSafeInteger(n) ? n : null;
}

export interface KeysetPage<T> {
  /** Newest first. */
  rows: T[];
  /** Rows newer than the first exist (a "previous" page). */
  newer: boolean;
  /** Rows older than the last exist (a "next" page). */
  older: boolean;
}

/**
 * One keyset page of a newest-first list. `fetch` returns up to `limit` rows: for `before` (and
 * the first page) newest first below the key, for `after` oldest first above it. One more row
 * than a page is asked for, to know whether another page follows without counting.
 *
 * Going back to newer rows that no longer fill a page gives the newest page itself, so "previous"
 * from the second page lands on exactly the first. A key that matches nothing (a row since
 * deleted, a made-up key) also gives the newest page.
 */
export async function loadKeysetPage<K, T>(
  cursor: Cursor<K>,
  size: number,
  fetch: (cursor: Cursor<K>, limit: number) => Promise<T[]>,
): Promise<KeysetPage<T>> {
  if (cursor && "after" in cursor) {
    const rows = await fetch(cursor, size + 1);
    if (rows.length > size) return { rows: rows.slice(0, size).reverse(), newer: true, older: true };
  } else if (cursor) {
    const rows = await fetch(cursor, size + 1);
    if (rows.length > 0) return { rows: rows.slice(0, size), newer: true, older: rows.length > size };
  }
  const rows = await fetch(null, size + 1);
  return { rows: rows.slice(0, size), newer: false, older: rows.length > size };
}

/** Links of a keyset page, keyed by its first (newest) and last (oldest) rows, filters kept. */
export function keysetPageLinks<T, K extends string | number>(
  path: string,
  filters: Record<string, string | number | null | undefined>,
  page: KeysetPage<T>,
  key: (row: T) => K,
  options: { prefix?: string; hash?: string } = {},
) {
  const prefix = options.prefix ?? "";
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  return {
    previous: page.newer && first ? pageHref(path, { ...filters, [`${prefix}after`]: key(first) }, options.hash) : null,
    next: page.older && last ? pageHref(path, { ...filters, [`${prefix}before`]: key(last) }, options.hash) : null,
  };
}
