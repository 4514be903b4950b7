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
}

/**
 * PGlite does not lock its folder, and two instances on one folder silently lose writes. The
 * platform does: an exclusive lock file with the owner's pid. A lock whose owner has died (kill -9)
 * is taken over; a live owner on this host makes the call fail with a message that says what to do.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const lockPath = path.join(dataDir, "care-table.lock");
  const mine: LockContent = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  // Two tries: the second follows the removal of a stale lock. If another process takes over the
  // same stale lock between our unlink and our create, "wx" makes exactly one of us win.
  for (let attempt = 0; attempt < 2; attempt++) {
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
      if (owner && owner.pid !== process.pid && owner.host === os.hostname() && isAlive(owner.pid)) {
        throw new DataDirLockedError(dataDir, owner.pid);
      }
      if (owner && owner.pid === process.pid) {
        throw new DataDirLockedError(dataDir, owner.pid);
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
      ? { pid: parsed.pid, host: String(parsed.host ?? ""), startedAt: String(parsed.startedAt ?? "") }
      : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
