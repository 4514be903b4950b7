import crypto from "node:crypto";

/** A strong ETag computed from a response body. */
export function etagOf(body: string | Buffer): string {
  return `"${crypto.createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

/**
 * Whether an If-None-Match header names this ETag (or is `*`). Weak forms match too, and so do
 * the tags of the page's compressed copies (`"…-br"`, `"…-gzip"`: server/page-cache.ts), which
 * are the same page.
 */
export function matchesEtag(header: string | string[] | null | undefined, etag: string): boolean {
  if (!header) return false;
  const text = Array.isArray(header) ? header.join(",") : header;
  return text.split(",").some((tag) => {
    const t = tag.trim().replace(/^W\//, "");
    return t === "*" || t === etag || t.replace(/-(br|gzip)"$/, '"') === etag;
  });
}
