import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../server/paths";
import { testDatabaseKind } from "../support/database";
import { freePort, startServerProcess, temporaryDataDir, type ServerProcess } from "../support/process";

const dirs: string[] = [];
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function processState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0]!;
  } catch {
    return null;
  }
}

async function until(check: () => Promise<boolean> | boolean, what: string, output: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.runIf(testDatabaseKind() === "pglite")("a restart after kill -9 on the embedded database", () => {
  it("starts at once on the folder of a killed server, though the kernel still lists that process", async () => {
    const dataDir = temporaryDataDir("care-killed-");
    dirs.push(dataDir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // The first server runs under a shell that then becomes `sleep`, which never reaps a child: after
    // kill -9 the server stays in the process table (a zombie) for as long as this test lasts, as a
    // large process the kernel is still tearing down does for a while. The old lock took any pid
    // still listed for a live owner.
    const holder = spawn("sh", ["-c", '"$0" build/server/index.js & echo "pid=$!"; exec sleep 600', process.execPath], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        PUBLIC_URL: url,
        LOG_LEVEL: "warn",
        DATA_DIR: dataDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => holder.kill("SIGKILL"));
    let output = "";
    holder.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    holder.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await until(
      () => /pid=\d+/.test(output),
      "the first server's pid",
      () => output,
    );
    const firstPid = Number(output.match(/pid=(\d+)/)![1]);
    await until(
      () => /setup\?token=[a-z2-7]{32}/.test(output),
      "the first server's setup link",
      () => output,
    );
    const token = output.match(/setup\?token=([a-z2-7]{32})/)![1]!;
    await until(
      async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true,
      "the first server's health check",
      () => output,
    );
    // Something to find after the restart: the first convener.
    const created = await fetch(`${url}/setup`, {
      method: "POST",
      headers: { Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, name: "Ada", email: "ada@example.org", password: "a long passphrase" }),
      redirect: "manual",
    });
    expect(created.status).toBe(302);
    expect(fs.existsSync(path.join(dataDir, "care-table.lock"))).toBe(true);

    process.kill(firstPid, "SIGKILL");
    // At once, no pause: the second server finds the lock of a process that is still listed.
    const second: ServerProcess = await startServerProcess({ dataDir });
    cleanups.push(() => second.stop());
    expect(["Z", "X"]).toContain(processState(firstPid));
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    // The data survived, and the new lock is the second server's.
    const setup = await fetch(`${second.url}/setup?token=${token}`);
    expect(setup.status).toBe(410);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, "care-table.lock"), "utf8")).pid).toBe(second.child.pid);
  }, 180_000);
});
