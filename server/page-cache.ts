import type { RequestHandler } from "express";
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { etagOf, matchesEtag } from "../app/lib/etag";
import { preferredCoding } from "./encoding";

/**
 * What a convener changed that public pages show. `site` (the coalition's text, name, pillars,
 * contact: in every page's frame) clears everything.
 */
export type PublicChange = "site" | "organizations" | "positions";

/** What the public site shows, route by route: the cache keeps nothing else. */
const PUBLIC_ROUTES: { path: RegExp; shows: PublicChange[]; firstPageOnly?: boolean }[] = [
  { path: /^\/$/, shows: ["organizations", "positions"] },
  { path: /^\/members$/, shows: ["organizations"] },
  { path: /^\/pillars\/[a-z]{1,20}$/, shows: ["organizations", "positions"] },
  { path: /^\/positions$/, shows: ["positions"], firstPageOnly: true },
  // A position page links its endorsers' websites and shows their logos as they are now.
  { path: /^\/positions\/[a-z0-9-]{1,120}$/, shows: ["positions", "organizations"] },
  { path: /^\/join$/, shows: [] },
  { path: /^\/join\/thanks$/, shows: [] },
  { path: /^\/feed\.atom$/, shows: ["positions"] },
  { path: /^\/api\/positions$/, shows: ["positions"], firstPageOnly: true },
  { path: /^\/api\/positions\/[a-z0-9-]{1,120}$/, shows: ["positions", "organizations"] },
  { path: /^\/sitemap\.xml$/, shows: [] },
  { path: /^\/robots\.txt$/, shows: [] },
  // Logos on the member wall: a newsletter's readers would otherwise each read them from the database.
  { path: /^\/logos\/[0-9a-f-]{36}\/[a-z0-9.]{1,80}$/, shows: ["organizations"] },
];

/** Types worth compressing (images other than SVG already are). */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|atom\+xml)|image\/svg\+xml)/;

/** Headers that belong to one response, not to the page: never kept. */
const PER_RESPONSE_HEADERS = new Set([
  "date",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "etag",
  "vary",
  "x-request-id",
]);

/** One coding of a kept page: its bytes and every header, made once so that a hit only writes. */
interface CodedAnswer {
  body: Buffer;
  headers: OutgoingHttpHeaders;
  notModified: OutgoingHttpHeaders;
}

/** One rendered public page with its compressed copies, made once when it was kept. */
export interface CachedPage {
  etag: string;
  answers: { identity: CodedAnswer; br: CodedAnswer; gzip: CodedAnswer };
  shows: PublicChange[];
  /** The three bodies together. */
  bytes: number;
}

interface Plan {
  key: string;
  shows: PublicChange[];
  /** Addresses with a query string (searches, filters, stray parameters) are kept apart, fewer. */
  variant: boolean;
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Public pages, kept in memory as rendered (with their Brotli and gzip copies) and served before
 * Express and Remix: they are the same for every reader and change only when a convener changes
 * something they show. Only plain 200 answers without cookies are kept. `invalidate` is the one
 * way to clear them (docs/decisions/071); a render that began before a clear is not kept.
 */
export class PageCache {
  private pages = new Map<string, CachedPage>();
  private variants = new Map<string, CachedPage>();
  private rendering = new Map<string, Promise<void>>();
  private generation = 0;

  private bytes = 0;

  /** At most this many pages, query variants and bytes (all codings together) are kept. */
  constructor(private readonly limits = { pages: 1000, variants: 200, bytes: 64 * 1024 * 1024 }) {}

  private listeners: ((change: PublicChange | "all") => void)[] = [];

  /**
   * The one function that clears kept pages after a change: those showing what changed, or all
   * of them; the other processes are told too (`onInvalidate`, server/notifications.ts).
   */
  invalidate(change: PublicChange | "all" = "all") {
    this.clear(change);
    for (const listener of this.listeners) listener(change);
  }

  /** Called after every `invalidate` of this process (to tell the others). */
  onInvalidate(listener: (change: PublicChange | "all") => void) {
    this.listeners.push(listener);
  }

  /** What every page's frame is made of (the site's name, convener line, contact), by key. */
  private values = new Map<string, unknown>();

  /**
   * A value every page's frame shows (signed-in pages too), read once and kept until the site's
   * text changes: cleared with the pages by the same `invalidate("site")`, on every process. A
   * value read while a change was being made is not kept.
   */
  async keep<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (this.values.has(key)) return this.values.get(key) as T;
    const generation = this.generation;
    const value = await read();
    if (this.generation === generation) this.values.set(key, value);
    return value;
  }

  /** Clears kept pages in this process only: another process changed something, or notices may have been missed. */
  clear(change: PublicChange | "all" = "all") {
    this.generation++;
    if (change === "all" || change === "site") this.values.clear();
    for (const map of [this.pages, this.variants]) {
      for (const [key, page] of map) if (change === "all" || change === "site" || page.shows.includes(change)) this.drop(map, key, page);
    }
  }

  get size() {
    return this.pages.size + this.variants.size;
  }

  /** Which cache entry a request would use; null when the answer is not kept (e.g. page 2). */
  plan(method: string | undefined, url: string | undefined): Plan | null {
    if ((method !== "GET" && method !== "HEAD") || !url || url.length > 400) return null;
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const route = PUBLIC_ROUTES.find((r) => r.path.test(path));
    if (!route) return null;
    if (q !== -1 && route.firstPageOnly) {
      const page = new URLSearchParams(url.slice(q + 1)).get("page");
      if (page !== null && page !== "1") return null;
    }
    return { key: url, shows: route.shows, variant: q !== -1 };
  }

  /**
   * The front door, before Express: answers from the cache (a 304 for a matching If-None-Match),
   * or waits for the same page being rendered by another request, or hands the request on.
   */
  handle(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const plan = this.plan(req.method, req.url);
    if (!plan) return next();
    const page = (plan.variant ? this.variants : this.pages).get(plan.key);
    if (page) return sendPage(req, res, page);
    const pending = this.rendering.get(plan.key);
    if (pending) {
      void pending.then(() => {
        const rendered = (plan.variant ? this.variants : this.pages).get(plan.key);
        if (rendered) sendPage(req, res, rendered);
        else next();
      });
      return;
    }
    if (req.method === "GET") {
      // One render per page at a time: readers arriving meanwhile wait for it (see above).
      let done!: () => void;
      this.rendering.set(plan.key, new Promise<void>((resolve) => (done = resolve)));
      res.once("close", () => {
        this.rendering.delete(plan.key);
        done();
      });
    }
    next();
  }

  /** Express middleware (after compression): keeps the page a public request renders. */
  fill(): RequestHandler {
    return (req, res, next) => {
      const plan = req.method === "GET" ? this.plan(req.method, req.originalUrl) : null;
      if (!plan) return next();
      const generation = this.generation;
      const chunks: Buffer[] = [];
      const write = res.write;
      const end = res.end;
      res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
        if (chunk) chunks.push(toBuffer(chunk, encoding));
        const cb = typeof encoding === "function" ? encoding : callback;
        if (typeof cb === "function") process.nextTick(cb as () => void);
        return true;
      }) as typeof res.write;
      res.end = ((chunk?: unknown, encoding?: unknown) => {
        if (chunk && typeof chunk !== "function") chunks.push(toBuffer(chunk, encoding));
        res.write = write;
        res.end = end;
        const body = Buffer.concat(chunks);
        if (!keepable(res)) {
          (end as (chunk: Buffer) => ServerResponse).call(res, body);
          return res;
        }
        void makePage(res.getHeaders(), body, plan.shows).then(
          (page) => {
            if (this.generation === generation) this.store(plan, page);
            sendPage(req, res, page);
          },
          (error: unknown) => {
            req.log?.error({ err: error }, "compressing a public page failed: sent as it is");
            (end as (chunk: Buffer) => ServerResponse).call(res, body);
          },
        );
        return res;
      }) as typeof res.end;
      next();
    };
  }

  private store(plan: Plan, page: CachedPage) {
    const map = plan.variant ? this.variants : this.pages;
    const limit = plan.variant ? this.limits.variants : this.limits.pages;
    const old = map.get(plan.key);
    if (old) this.drop(map, plan.key, old);
    // The oldest go first, until the new page fits in both bounds.
    while (map.size > 0 && (map.size >= limit || this.bytes + page.bytes > this.limits.bytes)) {
      const [key, oldest] = map.entries().next().value!;
      this.drop(map, key, oldest);
    }
    if (page.bytes > this.limits.bytes) return;
    map.set(plan.key, page);
    this.bytes += page.bytes;
  }

  private drop(map: Map<string, CachedPage>, key: string, page: CachedPage) {
    map.delete(key);
    this.bytes -= page.bytes;
  }
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
}

/** Only an answer that is the same for every reader: a plain 200, no cookie, nothing private. */
function keepable(res: ServerResponse): boolean {
  if (res.statusCode !== 200 || res.headersSent) return false;
  if (res.getHeader("set-cookie") !== undefined || res.getHeader("content-encoding") !== undefined) return false;
  const cacheControl = String(res.getHeader("cache-control") ?? "");
  return !/private|no-store/.test(cacheControl);
}

async function makePage(headers: OutgoingHttpHeaders, identity: Buffer, shows: PublicChange[]): Promise<CachedPage> {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!PER_RESPONSE_HEADERS.has(name) && value !== undefined) kept[name] = value;
  const etag = String(headers.etag ?? etagOf(identity));
  if (!COMPRESSIBLE.test(String(headers["content-type"] ?? ""))) {
    const plain = codedAnswer(kept, etag, identity, null);
    return { etag, answers: { identity: plain, br: plain, gzip: plain }, shows, bytes: identity.byteLength };
  }
  // Compressed once, at the best ratio, off the event loop (zlib's thread pool).
  const [br, gz] = await Promise.all([
    brotli(identity, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: identity.byteLength },
    }),
    gzip(identity, { level: 9 }),
  ]);
  return {
    etag,
    answers: {
      identity: codedAnswer(kept, etag, identity, null),
      br: codedAnswer(kept, etag, br, "br"),
      gzip: codedAnswer(kept, etag, gz, "gzip"),
    },
    shows,
    bytes: identity.byteLength + br.byteLength + gz.byteLength,
  };
}

function codedAnswer(kept: OutgoingHttpHeaders, etag: string, body: Buffer, coding: "br" | "gzip" | null): CodedAnswer {
  // A different body needs a different strong ETag: the coding is named in it.
  const notModified = { ...kept, etag: coding ? `${etag.slice(0, -1)}-${coding}"` : etag, vary: "Accept-Encoding" };
  const headers: OutgoingHttpHeaders = { ...notModified, "content-length": body.byteLength };
  if (coding) headers["content-encoding"] = coding;
  return { body, headers, notModified };
}

function sendPage(req: IncomingMessage, res: ServerResponse, page: CachedPage) {
  const answer = page.answers[preferredCoding(req.headers["accept-encoding"]) ?? "identity"];
  if (matchesEtag(req.headers["if-none-match"], page.etag)) {
    res.writeHead(304, answer.notModified);
    res.end();
    return;
  }
  res.writeHead(200, answer.headers);
  res.end(req.method === "HEAD" ? undefined : answer.body);
}

/** The HTTP server's request listener: kept public pages first, before Express, then the app. */
export function withPageCache(cache: PageCache, app: RequestListener): RequestListener {
  return (req, res) => cache.handle(req, res, () => void app(req, res));
}
