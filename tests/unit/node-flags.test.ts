import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../server/paths";
import { serverNodeFlags } from "../../scripts/node-flags.js";
import { startServerProcess, temporaryDataDir, type ServerProcess } from "../support/process";

describe("the server's Node.js options (docs/decisions/100)", () => {
  it("keep the young generation at Node 20's size everywhere, and from Node 24 WebAssembly at its baseline tier and gc exposed", () => {
    expect(serverNodeFlags("20.20.2")).toEqual(["--max-semi-space-size=16"]);
    expect(serverNodeFlags("v22.23.5")).toEqual(["--max-semi-space-size=16"]);
    expect(serverNodeFlags("24.22.3")).toEqual(["--max-semi-space-size=16", "--liftoff-only", "--expose-gc"]);
    expect(serverNodeFlags("26.0.0")).toContain("--expose-gc");
  });

  it("are the ones the Docker image's CMD gives its Node.js", () => {
    const dockerfile = fs.readFileSync(path.join(projectRoot, "Dockerfile"), "utf8");
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    const major = /^\s*FROM node:(\d+)/.exec(runtime)?.[1];
    expect(major, "the runtime stage's Node.js").toBeDefined();
    const cmd = /^CMD (\[.*\])$/m.exec(runtime)?.[1];
    expect(cmd, "the image's CMD").toBeDefined();
    expect(JSON.parse(cmd!)).toEqual(["node", ...serverNodeFlags(`${major}.0.0`), "build/server/index.js"]);
  });

  describe("a server process started as npm start starts it", () => {
    const dataDir = temporaryDataDir("care-node-flags-");
    let server: ServerProcess | undefined;
    afterAll(async () => {
      await server?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it("runs with them", async () => {
      server = await startServerProcess({ dataDir, env: { LOG_LEVEL: "debug" } });
      const argv = fs.readFileSync(`/proc/${server.child.pid}/cmdline`, "utf8").split("\0");
      expect(argv.slice(1, 1 + serverNodeFlags().length)).toEqual(serverNodeFlags());
      expect((await fetch(server.url + "/healthz")).status).toBe(200);
    });

    it.runIf(serverNodeFlags().includes("--expose-gc"))(
      "gives its freed memory back once quiet, health probes or not (docs/decisions/101)",
      async () => {
        // Quiet for 15–30 s after its start (server/quiet-collection.ts).
        const [line] = await server!.waitForOutput(/\{[^\n]*"quiet: memory-reducing collection"[^\n]*\}/, 45_000);
        const logged = JSON.parse(line) as { rssMbBefore: number; rssMbAfter: number };
        expect(logged.rssMbAfter).toBeLessThanOrEqual(logged.rssMbBefore);
      },
      50_000,
    );
  });

  describe("npm run cli", () => {
    const cliEnv = (dataDir: string) => ({
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production" as const,
      DATA_DIR: dataDir,
      LOG_LEVEL: "silent",
    });
    // A process that has just ended may be gone from /proc between two reads.
    const readProc = (file: string) => {
      try {
        return fs.readFileSync(file, "utf8");
      } catch {
        return "";
      }
    };

    it("runs the CLI in a process of its own started with them, and ends as it did", async () => {
      const dataDir = temporaryDataDir("care-cli-flags-");
      try {
        // A first migration on a new folder takes seconds: time enough to read the CLI's process.
        const cli = spawn(process.execPath, [path.join(projectRoot, "scripts/cli.js"), "migrate"], {
          cwd: projectRoot,
          env: cliEnv(dataDir),
        });
        let output = "";
        cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        const ended = new Promise<number | null>((resolve) => cli.on("exit", resolve));
        let argv: string[] | undefined;
        while (!argv && cli.exitCode === null) {
          for (const pid of readProc(`/proc/${cli.pid}/task/${cli.pid}/children`).split(" ").filter(Boolean)) {
            const args = readProc(`/proc/${pid}/cmdline`).split("\0").filter(Boolean);
            if (args.some((arg) => arg.endsWith("cli.js"))) argv = args;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(await ended).toBe(0);
        expect(output).toContain("Migrations applied.");
        expect(argv).toEqual([process.execPath, ...serverNodeFlags(), path.join(projectRoot, "build/server/cli.js"), "migrate"]);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }, 60_000);

    it("ends with the CLI's exit code", () => {
      const dataDir = temporaryDataDir("care-cli-flags-");
      try {
        const run = spawnSync(process.execPath, [path.join(projectRoot, "scripts/cli.js"), "no-such-command"], {
          cwd: projectRoot,
          env: cliEnv(dataDir),
          encoding: "utf8",
        });
        expect(run.status).toBe(64);
        expect(run.stdout).toContain("Usage: npm run cli -- <command>");
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
