/** What stands in for a character PostgreSQL refuses: U+FFFD, "something unreadable was here". */
export const REPLACEMENT_CHARACTER = "\uFFFD";

// U+0000 (refused in text and in jsonb) and a UTF-16 surrogate without its pair (no character
// at all: jsonb refuses its escape, and UTF-8 cannot encode it).
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what is replaced
const REFUSED = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A string PostgreSQL stores as it is, in a text or a jsonb column: every character it refuses
 * becomes U+FFFD (never simply removed, so that "java\0script:" cannot become "javascript:").
 */
export function storableText(text: string): string {
  return text.replace(REFUSED, REPLACEMENT_CHARACTER);
}

/** A JSON value with every string in it (keys too) made storable. */
export function storableJson<T>(value: T): T {
  if (typeof value === "string") return storableText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => storableJson(v)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[storableText(k)] = storableJson(v);
    return out as T;
  }
  return value;
}
