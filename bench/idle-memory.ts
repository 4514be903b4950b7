import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../server/paths";
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

/**
 * `npm run cli -- <args>` as a user runs it (scripts/cli.js, which starts the CLI in a process of
 * its own), under GNU time: its peak is that of the largest process in the tree (the CLI, or the
 * child that makes a new embedded database's folder).
 */
export function cliPeak(args: string[], env: Record<string, string>): { ms: number; peakMb: number | null; output: string; ok: boolean } {
  const started = performance.now();
  const run = spawnSync("/usr/bin/time", ["-v", process.execPath, path.join(projectRoot, "scripts", "cli.js"), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr ?? "");
  return {
    ms: Math.round(performance.now() - started),
    peakMb: peak ? Math.round(Number(peak[1]) / 1024) : null,
    output: (run.stdout ?? "").trim(),
    ok: run.status === 0,
  };
}

/** A new embedded database made and migrated (`npm run cli -- migrate` on an empty DATA_DIR): its time and peak. */
export function newFolderPeak(): { ms: number; peakMb: number | null } {
  const dataDir = temporaryDataDir("care-bench-memory-new-");
  try {
    const run = cliPeak(["migrate"], { DATA_DIR: dataDir, LOG_LEVEL: "warn" });
    if (!run.ok) throw new Error(`npm run cli -- migrate failed on a new folder: ${run.output}`);
    return run;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
