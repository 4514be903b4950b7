import { stringify } from "csv-stringify/sync";

/**
 * CSV for spreadsheets. A cell that begins with =, +, -, @ (or a tab or carriage return) would be
 * read as a formula by Excel and friends: it gets a leading apostrophe, so it stays text.
 */
export function toCsv(header: string[], rows: string[][]): string {
  const safe = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);
  return stringify([header, ...rows.map((r) => r.map(safe))], { record_delimiter: "\r\n" });
}
