import autocannon from "autocannon";
import path from "node:path";
import zlib from "node:zlib";
import { startServerProcess } from "../tests/support/process";
import { scratchDatabase } from "./scratch-database";

/** The public pages whose size is reported. */
const pages = [
  "/",
  "/members",
  "/positions",
  "/join",
  "/join/thanks",
  "/pillars/coverage",
  "/pillars/access",
  "/pillars/research",
  "/pillars/equity",
];

export interface LoadFigures {
  rps: number;
  p99: number;
  /** Answers other than the expected status (should be 0). */
  unexpected: number;
}

export interface PublicSiteBench {
  home: LoadFigures;
  homeNotModified: LoadFigures;
  /** Bytes of each page's HTML (as sent and gzipped) and of the stylesheets it loads (as sent). */
  pages: Record<string, { html: number; gzip: number; css: number }>;
  /** Each stylesheet, as sent and gzipped. */
  css: Record<string, { bytes: number; gzip: number }>;
  /** Bytes of the self-hosted font files (WOFF2, loaded once and cached a year). */
  fonts: Record<string, number>;
}

async function load(url: string, headers: Record<string, string>, expected: number, seconds: number): Promise<LoadFigures> {
  const result = await autocannon({ url, connections: 10, duration: seconds, headers });
  const good = expected === 200 ? result["2xx"] : result["3xx"];
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    unexpected: result.requests.total - good + result.errors + result.timeouts,
  };
}

/**
 * The public home page under load (autocannon, 10 connections, 10 s), on the built server
 * started as its own process over a scratch PostgreSQL database: once plain, once with a
 * matching If-None-Match (answered 304). Also the bytes of every public page and of its CSS.
 */
export async function runPublicSiteBench(options: { seconds?: number; log?: (line: string) => void } = {}): Promise<PublicSiteBench> {
  const seconds = options.seconds ?? 10;
  const log = options.log ?? (() => {});
  const scratch = await scratchDatabase("bench_public_site");
  const server = await startServerProcess({ env: { DATABASE_URL: scratch.url, LOG_LEVEL: "error" } });
  try {
    const sizes: PublicSiteBench["pages"] = {};
    const css: PublicSiteBench["css"] = {};
    const fonts: Record<string, number> = {};
    const bytesOf = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
    for (const page of pages) {
      const html = await bytesOf(server.url + page);
      const sheets = [...html.toString().matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
      let cssBytes = 0;
      for (const sheet of sheets) {
        const name = path.basename(sheet);
        if (!css[name]) {
          const body = await bytesOf(server.url + sheet);
          css[name] = { bytes: body.byteLength, gzip: zlib.gzipSync(body).byteLength };
          for (const m of body.toString().matchAll(/url\(([^)]+\.woff2)\)/g)) {
            const font = m[1]!.replace(/^["']|["']$/g, "");
            fonts[path.basename(font)] = (await bytesOf(new URL(font, server.url + sheet).toString())).byteLength;
          }
        }
        cssBytes += css[name]!.bytes;
      }
      sizes[page] = { html: html.byteLength, gzip: zlib.gzipSync(html).byteLength, css: cssBytes };
    }

    const etag = (await fetch(server.url + "/")).headers.get("ETag");
    if (!etag) throw new Error("the home page sent no ETag");
    // A short warm-up, so the first figures do not include the server's first compilations.
    await load(server.url + "/", {}, 200, 2);
    log(`/ plain, ${seconds} s…`);
    const home = await load(server.url + "/", {}, 200, seconds);
    log(`/ with If-None-Match, ${seconds} s…`);
    const homeNotModified = await load(server.url + "/", { "If-None-Match": etag }, 304, seconds);
    return {
      home,
      homeNotModified,
      pages: sizes,
      css,
      fonts,
    };
  } finally {
    await server.stop();
    await scratch.drop();
  }
}
