/**
 * The words a page keeps for a key from its address (`?done=…`, `?saved=…`), or undefined: only
 * the table's own entries count, so `__proto__` or `constructor` finds nothing instead of an
 * object React cannot render.
 */
export function wordsFor(table: Readonly<Record<string, string>>, key: string | null | undefined): string | undefined {
  return key && Object.hasOwn(table, key) ? table[key] : undefined;
}
