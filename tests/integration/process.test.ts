import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../server/paths";
import { testDatabaseKind } from "../support/database";
import { startServerProcess, temporaryDataDir } from "../support/process";

const cli = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(projectRoot, "build/server/cli.js"), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", DATA_DIR: dataDir, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// One process, the embedded database: these run once, in the PGlite project.
describe.runIf(testDatabaseKind() === "pglite")("the server process on the embedded database", () => {
  it("answers health checks, refuses a second process on its folder, stops cleanly, and backs up and restores", async () => {
    const dataDir = temporaryDataDir("care-process-");
    const restoredDir = temporaryDataDir("care-restored-");
    dirs.push(dataDir, restoredDir);
    const server = await startServerProcess({ dataDir });
    const [, token] = await server.waitForOutput(/setup\?token=([a-z2-7]{32})/);

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { database: "ok" } });
    expect((await fetch(`${server.url}/`)).headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    // Create the first convener, so there is something to find after the restore.
    const created = await fetch(`${server.url}/setup`, {
      method: "POST",
      headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: token!, name: "Ada", email: "ada@example.org", password: "a long passphrase" }),
      redirect: "manual",
    });
    expect(created.status).toBe(302);

    const refused = cli(dataDir, "backup", "--out", path.join(dataDir, "refused.tar.gz"));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(new RegExp(`in use by process ${server.child.pid}`));

    expect(await server.stop()).toBe(0);

    const backupFile = path.join(dataDir, "backup.tar.gz");
    const backup = cli(dataDir, "backup", "--out", backupFile);
    expect(backup.stderr).toBe("");
    expect(backup.stdout).toContain("Backup written");
    expect(fs.statSync(backupFile).size).toBeGreaterThan(1000);

    const damagedFile = path.join(dataDir, "damaged.tar.gz");
    fs.writeFileSync(damagedFile, fs.readFileSync(backupFile).subarray(0, 2000));
    const damaged = cli(restoredDir, "restore", "--from", damagedFile);
    expect(damaged.status).toBe(1);
    expect(damaged.stderr).toContain(`${damagedFile} could not be restored: it is not a backup of an embedded database, or it is damaged.`);
    expect(fs.readdirSync(restoredDir).filter((name) => name.startsWith("pglite"))).toEqual([]);

    const restore = cli(restoredDir, "restore", "--from", backupFile);
    expect(restore.stdout).toContain("Restored");
    const again = cli(restoredDir, "restore", "--from", backupFile);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain("--force");

    const restored = await startServerProcess({ dataDir: restoredDir });
    try {
      // The convener came back: no setup link is printed, and the convener can sign in.
      const login = await fetch(`${restored.url}/login`, {
        method: "POST",
        headers: { Origin: restored.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: "ada@example.org", password: "a long passphrase" }),
        redirect: "manual",
      });
      expect(login.status).toBe(302);
      expect(restored.output()).not.toContain("setup?token=");
      const verify = cli(restoredDir, "verify-audit");
      expect(verify.stderr).toMatch(/in use/);
    } finally {
      await restored.stop();
    }
    const verify = cli(restoredDir, "verify-audit");
    expect(verify.stdout).toMatch(/Audit chain verified: \d+ events/);
  }, 120_000); // three server processes and five CLI runs, each opening the embedded database
});
