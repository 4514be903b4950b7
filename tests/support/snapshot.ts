import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";

/** Rows of a raw query on either driver (pg answers `{ rows }`, PGlite too; some drivers an array). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The application's tables (the public schema), by name. */
export async function tableNames(db: Db): Promise<string[]> {
  const result = await db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  return rowsOf<{ table_name: string }>(result).map((r) => r.table_name);
}

/** How many rows each table holds: what a refused request must leave as it was. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of await tableNames(db)) {
    const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${sql.identifier(name)}`));
    counts[name] = Number(row!.n);
  }
  return counts;
}

/**
 * Every row of every table, as text in a stable order, except `sessions` (a request may touch its
 * own session's last-seen time): compares equal only when nothing at all was written.
 */
export async function contentSnapshot(db: Db): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const name of await tableNames(db)) {
    if (name === "sessions") continue;
    const rows = rowsOf<{ row: string }>(await db.execute(sql`select t::text as row from ${sql.identifier(name)} t order by t::text`));
    snapshot[name] = rows.map((r) => r.row).join("\n");
  }
  return snapshot;
}
