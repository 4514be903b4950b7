import type { RequestHandler } from "express";
import { etagOf, matchesEtag } from "../app/lib/etag";

export interface CachedPage {
  body: Buffer;
  etag: string;
  headers: Record<string, string>;
}

/**
 * Public position pages, kept in memory once rendered and served before the Remix handler: a page
 * that does not change until a convener publishes, withdraws, supersedes or retitles is not
 * rendered again for every reader. Any of those clears the cache. Only 200 answers are kept, so an
 * embargoed or unknown address is never remembered. Bounded: the oldest entry goes first.
 */
export class PageCache {
  private pages = new Map<string, CachedPage>();

  constructor(private readonly maxEntries = 500) {}

  get(path: string): CachedPage | undefined {
    return this.pages.get(path);
  }

  set(path: string, page: CachedPage) {
    if (this.pages.size >= this.maxEntries) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(path, page);
  }

  invalidate() {
    this.pages.clear();
  }

  get size() {
    return this.pages.size;
  }
}

const CACHED_PATH = /^\/positions\/[a-z0-9-]{1,120}$/;

/** Serves cached position pages (with 304 for a matching ETag) and fills the cache on a miss. */
export function servePageCache(cache: PageCache): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    if (!CACHED_PATH.test(req.path) || Object.keys(req.query).length > 0) return next();
    const hit = cache.get(req.path);
    if (hit) {
      res.set(hit.headers);
      res.set("X-Cache", "hit");
      if (matchesEtag(req.get("If-None-Match"), hit.etag)) return void res.status(304).end();
      return void res.status(200).send(hit.body);
    }
    // A miss: let Remix render, and keep what it sends when it is a plain 200 page.
    const chunks: Buffer[] = [];
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk) chunks.push(Buffer.from(chunk as Buffer));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== "function") chunks.push(Buffer.from(chunk as Buffer));
      if (res.statusCode === 200 && String(res.getHeader("content-type") ?? "").startsWith("text/html")) {
        const body = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const name of ["content-type", "cache-control", "content-security-policy", "etag"]) {
          const v = res.getHeader(name);
          if (v !== undefined) headers[name] = String(v);
        }
        headers.etag ??= etagOf(body);
        cache.set(req.path, { body, etag: headers.etag, headers });
      }
      return (end as (...a: unknown[]) => typeof res)(chunk, ...rest);
    }) as typeof res.end;
    next();
  };
}
