import { sql, type SQL } from "drizzle-orm";

/** Where a keyset page of a newest-first list starts: older or newer than one row, given by its id. */
export type RowCursor = { before: string } | { after: string } | null;

/**
 * The condition of a keyset page over a table ordered by (created_at, id): rows older (`before`)
 * or newer (`after`) than the row with the cursor's id, compared as a pair so that rows written
 * in one transaction (the same created_at) are neither skipped nor repeated. The cursor row's
 * values are read in SQL, at full (microsecond) precision, which a JavaScript Date would cut to
 * milliseconds. Columns are written qualified by hand: drizzle leaves them unqualified in a
 * single-table select, where the subquery's own table would capture them. A cursor id that
 * matches no row matches nothing.
 */
export function createdAtCursorCondition(table: string, cursor: Exclude<RowCursor, null>): SQL {
  const t = sql.identifier(table);
  const id = "before" in cursor ? cursor.before : cursor.after;
  const row = sql`(select c.created_at, c.id from ${t} c where c.id = ${id})`;
  return "before" in cursor ? sql`(${t}.created_at, ${t}.id) < ${row}` : sql`(${t}.created_at, ${t}.id) > ${row}`;
}

/** The order that goes with createdAtCursorCondition: newest first, or oldest first when paging back (`after`). */
export function createdAtCursorOrder(table: string, cursor: RowCursor): SQL {
  const t = sql.identifier(table);
  return cursor && "after" in cursor ? sql`${t}.created_at asc, ${t}.id asc` : sql`${t}.created_at desc, ${t}.id desc`;
}
