import crypto from "node:crypto";

/**
 * The migrated database that each PostgreSQL test file copies (CREATE DATABASE … TEMPLATE), one per
 * checkout: two checkouts running their suites on one server must not drop each other's template.
 */
export const TEMPLATE_DATABASE = `care_table_test_template_${crypto.createHash("sha256").update(process.cwd()).digest("hex").slice(0, 8)}`;

/** TEST_DATABASE_URL's server, for CREATE and DROP DATABASE. */
export function adminUrl(url: string): string {
  return url;
}

export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
