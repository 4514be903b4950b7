import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirLockedError } from "./data-dir-lock";
import { openDatabase } from "./client";

const dirs: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "care-lock-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("the embedded database folder", () => {
  it("belongs to one process: a second one is refused with a message that says what to do", async () => {
    const dir = tempDir();
    const first = await openDatabase({ dataDir: dir });
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(DataDirLockedError);
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by process \d+.*stop that process first/s);
    } finally {
      await first.close();
    }
    // Released at close: the folder can be opened again, with its data.
    const again = await openDatabase({ dataDir: dir });
    await again.close();
  });

  it("refuses while another live process holds the lock", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      fs.writeFileSync(path.join(dir, "care-table.lock"), JSON.stringify({ pid: child.pid, host: os.hostname(), startedAt: "" }));
      expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`in use by process ${child.pid}`));
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("is taken over when its owner died (kill -9)", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    fs.writeFileSync(path.join(dir, "care-table.lock"), JSON.stringify({ pid: child.pid, host: os.hostname(), startedAt: "" }));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(fs.readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });

  it("is taken over at once from a killed owner its parent has not reaped yet (a zombie)", async () => {
    const dir = tempDir();
    // `sleep` (exec'd by the shell) never reaps its child, so the killed owner stays listed.
    const holder = spawn("sh", ["-c", '"$0" -e "setTimeout(() => {}, 60000)" & echo $!; exec sleep 60', process.execPath], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      const pid = Number(await new Promise<string>((resolve) => holder.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()))));
      fs.writeFileSync(path.join(dir, "care-table.lock"), JSON.stringify({ pid, host: os.hostname(), startedAt: "" }));
      expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`in use by process ${pid}`));
      // Only once the shell has become `sleep`: a shell still running would reap the owner at once.
      const comm = () => fs.readFileSync(`/proc/${holder.pid}/comm`, "utf8").trim();
      for (let i = 0; i < 200 && comm() !== "sleep"; i++) await new Promise((r) => setTimeout(r, 25));
      process.kill(pid, "SIGKILL");
      const state = () => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]![0];
      for (let i = 0; i < 200 && state() !== "Z"; i++) await new Promise((r) => setTimeout(r, 25));
      expect(state()).toBe("Z");
      const lock = acquireDataDirLock(dir);
      expect(JSON.parse(fs.readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
      lock.release();
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("is taken over when its pid now belongs to another process (the owner's start time differs)", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const lockFile = path.join(dir, "care-table.lock");
      fs.writeFileSync(lockFile, JSON.stringify({ pid: child.pid, host: os.hostname(), startedAt: "", processStart: "1" }));
      const lock = acquireDataDirLock(dir);
      const mine = JSON.parse(fs.readFileSync(lock.path, "utf8"));
      expect(mine.pid).toBe(process.pid);
      // The new lock records this process's own start time; with the child's real one, the child is the owner.
      expect(mine.processStart).toMatch(/^\d+$/);
      lock.release();
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8");
      const childStart = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
      fs.writeFileSync(lockFile, JSON.stringify({ pid: child.pid, host: os.hostname(), startedAt: "", processStart: childStart }));
      expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`in use by process ${child.pid}`));
    } finally {
      child.kill("SIGKILL");
    }
  });
});
