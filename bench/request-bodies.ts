import fs from "node:fs";
import { rawRequest } from "../tests/support/raw-http";
import { startServerProcess, temporaryDataDir } from "../tests/support/process";
import { residentMb } from "./process-usage";

/** Anonymous addresses that once read any body whole (issue 9). */
const paths = ["/login", "/setup", "/forgot", "/invite/x", "/reset/x", "/app/rounds/x"];
const POSTS = 20;
const BODY_BYTES = 100 * 1024 * 1024;

export interface RequestBodyBench {
  /** Resident memory of the server (MB), on the embedded database. */
  rssMb: { before: number; afterDeclared: number; afterChunked: number };
  /** Statuses answered (all should be 413). */
  statuses: Record<string, number>;
  /** Mean time to the answer of one 100 MB post (ms). */
  meanAnswerMs: number;
}

/** A 100 MB form body in 1 MB chunks, made as it is sent (the client never holds it). */
function hundredMegabytes(): () => Buffer | null {
  const chunk = Buffer.alloc(1024 * 1024, "x");
  chunk.write("email=");
  let sent = 0;
  return () => (sent >= BODY_BYTES ? null : ((sent += chunk.length), chunk));
}

/**
 * Twenty 100 MB anonymous posts against a server on the embedded database, first with a declared
 * Content-Length, then chunked, and the server's resident memory before and after.
 */
export async function runRequestBodyBench(): Promise<RequestBodyBench> {
  const dataDir = temporaryDataDir("care-table-bench-bodies-");
  const server = await startServerProcess({ dataDir });
  const statuses: Record<string, number> = {};
  let answerMs = 0;
  try {
    // A few ordinary requests first, so "before" is a server that has served pages.
    for (const p of ["/", "/login", "/members", "/positions"]) await fetch(new URL(p, server.url));
    const pid = server.child.pid!;
    const before = residentMb(pid).rss;
    const round = async (declared: boolean) => {
      for (let i = 0; i < POSTS; i += 1) {
        const res = await rawRequest(server.url, {
          path: paths[i % paths.length]!,
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Origin: server.url,
            ...(declared ? { "Content-Length": String(BODY_BYTES) } : {}),
          },
          body: hundredMegabytes(),
        });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        answerMs += res.elapsedMs;
      }
    };
    await round(true);
    const afterDeclared = residentMb(pid).rss;
    await round(false);
    const afterChunked = residentMb(pid).rss;
    return { rssMb: { before, afterDeclared, afterChunked }, statuses, meanAnswerMs: Math.round(answerMs / (2 * POSTS)) };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
