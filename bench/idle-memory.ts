import fs from "node:fs";
import { startServerProcess, temporaryDataDir } from "../tests/support/process";
import { benchNodeArgs } from "./node-args";
import { residentMb } from "./process-usage";

export interface IdleResident {
  /** 5 s after the last request. */
  soon: number;
  /** 30 s after it. */
  settled: number;
  /** The most the process ever held. */
  peak: number;
}

/**
 * A server's resident memory once it has been idle 5 s, and again at 30 s (MB). V8 12 and later
 * (Node 22, the image's Node 24) give their young generation back only when the memory reducer
 * runs, some seconds into idleness: on Node 24 the first reading is the startup's young generation
 * (up to 128 MB), the second what the process keeps.
 */
export async function idleResident(pid: number): Promise<IdleResident> {
  await new Promise((r) => setTimeout(r, 5000));
  const soon = residentMb(pid).rss;
  await new Promise((r) => setTimeout(r, 25_000));
  const { rss, peak } = residentMb(pid);
  return { soon, settled: rss, peak };
}

/** The embedded default on a new, empty database, idle after one request to `/` (DESIGN.md §8: ≤ 300 MB). */
export async function emptyEmbeddedIdle(): Promise<IdleResident> {
  const dataDir = temporaryDataDir("care-bench-memory-empty-");
  try {
    const server = await startServerProcess({ dataDir, nodeArgs: benchNodeArgs() });
    try {
      await fetch(server.url + "/");
      return await idleResident(server.child.pid!);
    } finally {
      await server.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
