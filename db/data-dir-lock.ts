import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface DataDirLock {
  path: string;
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${ownerPid}. ` +
        `PGlite allows one process per folder: stop that process first (the server, or another ` +
        `command), or point DATABASE_URL at a PostgreSQL server.`,
    );
    this.name = "DataDirLockedError";
  }
}

interface LockContent {
  pid: number;
  host: string;
  startedAt: string;
  /** The owner's start time in clock ticks since boot (/proc/PID/stat), so a reused pid is not taken for the owner. */
  processStart?: string;
}

/** How long to wait for an owner that is exiting (killed, its memory still being freed) to be gone. */
const EXITING_OWNER_WAIT_MS = 10_000;

/**
 * PGlite does not lock its folder, and two instances on one folder silently lose writes. The
 * platform does: an exclusive lock file with the owner's pid and start time. The owner's state is
 * read from the kernel (/proc on Linux), never guessed from timing: a running owner makes the call
 * fail at once with a message that says what to do; an owner that is gone, a zombie (dead, not yet
 * reaped by its parent) or a different process under a reused pid is taken over at once; an owner
 * the kernel is still tearing down (kill -9 of a large process) is waited for (decision 047).
 */
export function acquireDataDirLock(dataDir: string, options: { exitingOwnerWaitMs?: number } = {}): DataDirLock {
  const lockPath = path.join(dataDir, "care-table.lock");
  const self = readProcess(process.pid);
  const mine: LockContent = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    ...(self ? { processStart: self.start } : {}),
  };
  const deadline = Date.now() + (options.exitingOwnerWaitMs ?? EXITING_OWNER_WAIT_MS);
  // Several tries: each follows the removal of a stale lock or a pause for an exiting owner. If
  // another process takes over the same stale lock between our unlink and our create, "wx" makes
  // exactly one of us win.
  for (let attempt = 0; attempt < 1000; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(mine), { flag: "wx" });
      let released = false;
      return {
        path: lockPath,
        release() {
          if (released) return;
          released = true;
          try {
            const current = readLock(lockPath);
            if (current?.pid === process.pid) fs.unlinkSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readLock(lockPath);
      if (owner && owner.pid === process.pid) throw new DataDirLockedError(dataDir, owner.pid);
      const state = owner && owner.host === os.hostname() ? ownerState(owner) : "gone";
      if (state === "running") throw new DataDirLockedError(dataDir, owner!.pid);
      if (state === "exiting") {
        if (Date.now() > deadline) throw new DataDirLockedError(dataDir, owner!.pid);
        // Start-up code, before anything else runs: a synchronous pause keeps the API synchronous.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        continue;
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}: another process keeps taking it.`);
}

function readLock(lockPath: string): LockContent | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, "utf8")) as Partial<LockContent>;
    return typeof parsed.pid === "number"
      ? {
          pid: parsed.pid,
          host: String(parsed.host ?? ""),
          startedAt: String(parsed.startedAt ?? ""),
          ...(typeof parsed.processStart === "string" ? { processStart: parsed.processStart } : {}),
        }
      : null;
  } catch {
    return null;
  }
}

/** The kernel's PF_EXITING flag: the process has begun to exit (it can no longer write). */
const PF_EXITING = 0x4;

/** A process as /proc/PID/stat shows it, or null when there is no such process (or no /proc). */
function readProcess(pid: number): { state: string; flags: number; start: string } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After comm: state is field 3, flags field 9, starttime field 22 (proc(5)).
  return { state: fields[0] ?? "", flags: Number(fields[6] ?? 0), start: fields[19] ?? "" };
}

function ownerState(owner: LockContent): "running" | "exiting" | "gone" {
  if (!fs.existsSync("/proc/self/stat")) return isAlive(owner.pid) ? "running" : "gone";
  const found = readProcess(owner.pid);
  if (!found) return "gone";
  // Z: dead, waiting for its parent to reap it; X: dead. Neither holds files any more.
  if (found.state === "Z" || found.state === "X") return "gone";
  if (owner.processStart && found.start !== owner.processStart) return "gone";
  if (found.flags & PF_EXITING) return "exiting";
  return "running";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
