import compression from "compression";
import express, { type RequestHandler } from "express";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { preferredCoding, type ContentCoding } from "./encoding";

const EXTENSION: Record<ContentCoding, string> = { br: ".br", gzip: ".gz" };

/**
 * Answers compressed on the fly (HTML of signed-in pages, JSON, the feed, CSV, calendar files):
 * Brotli at a quality made for speed, or gzip, by Accept-Encoding, with `Vary: Accept-Encoding`.
 * Responses that already carry a Content-Encoding (kept public pages, precompressed files) pass
 * through untouched. An event stream is never compressed: the compressor would hold its events
 * back until a buffer fills, and the page would stop updating live.
 */
export function compressResponses(): RequestHandler {
  return compression({
    brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    filter: (req, res) => !String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream") && compression.filter(req, res),
  });
}

/**
 * Serves the Brotli or gzip copy that the build made beside a static file (scripts/precompress.js)
 * when the client accepts it, and says so (Content-Encoding, Vary); express.static then sends it
 * with the original file's type. Copies older than their file (a later build without them) are
 * ignored.
 */
export function servePrecompressed(folder: string): RequestHandler {
  const copies = new Map<string, Set<ContentCoding>>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!/\.(br|gz)$/.test(entry.name)) {
        const stat = fs.statSync(full);
        const found = new Set<ContentCoding>();
        for (const coding of ["br", "gzip"] as const) {
          const copy = fs.statSync(full + EXTENSION[coding], { throwIfNoEntry: false });
          if (copy && copy.mtimeMs >= stat.mtimeMs) found.add(coding);
        }
        if (found.size > 0) copies.set("/" + path.relative(folder, full).split(path.sep).join("/"), found);
      }
    }
  };
  if (fs.existsSync(folder)) walk(folder);
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const found = copies.get(req.path);
    if (!found) return next();
    res.vary("Accept-Encoding");
    const coding = preferredCoding(req.headers["accept-encoding"]);
    if (!coding || !found.has(coding)) return next();
    const type = express.static.mime.lookup(req.path);
    res.setHeader("Content-Type", type + (/^(text\/|application\/(javascript|json))/.test(type) ? "; charset=utf-8" : ""));
    res.setHeader("Content-Encoding", coding);
    const q = req.url.indexOf("?");
    req.url = req.path + EXTENSION[coding] + (q === -1 ? "" : req.url.slice(q));
    next();
  };
}
