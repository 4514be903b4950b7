/** The migrated database that each PostgreSQL test file copies (CREATE DATABASE … TEMPLATE). */
export const TEMPLATE_DATABASE = "care_table_test_template";

/** TEST_DATABASE_URL's server, for CREATE and DROP DATABASE. */
export function adminUrl(url: string): string {
  return url;
}

export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
