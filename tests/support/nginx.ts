import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../../server/paths";
import { temporaryDataDir } from "./process";

/** A real nginx in front of server processes (the cluster tests and the cluster benchmark). */
export const NGINX_PATH = process.env.NGINX_PATH || "/usr/sbin/nginx";

/**
 * deploy/nginx.conf with this cluster's ports and folders: the lines marked "cluster:" are
 * replaced, everything else (headers, timeouts, buffering, the upgrade map) is the repository's.
 */
export function renderNginxConfig(options: { port: number; upstreams: number[]; prefix: string; accessLog: boolean }): string {
  const source = fs.readFileSync(path.join(projectRoot, "deploy/nginx.conf"), "utf8");
  const { prefix } = options;
  let upstreamWritten = false;
  const lines = source.split("\n").flatMap((line) => {
    const marker = line.match(/#\s*cluster:\s*([a-z_]+)\s*$/);
    if (!marker) return [line];
    const indent = line.match(/^\s*/)![0];
    switch (marker[1]) {
      case "worker_processes":
        return [`${indent}worker_processes 1;`, ...(process.getuid?.() === 0 ? [`${indent}user root root;`] : [])];
      case "pid":
        return [`${indent}pid ${prefix}/nginx.pid;`];
      case "error_log":
        return [`${indent}error_log stderr warn;`];
      case "access_log":
        return [
          options.accessLog ? `${indent}access_log ${prefix}/access.log;` : `${indent}access_log off;`,
          ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${indent}${t}_temp_path ${prefix}/${t};`),
        ];
      case "upstream":
        if (upstreamWritten) return [];
        upstreamWritten = true;
        return options.upstreams.map((p) => `${indent}server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`);
      case "listen":
        return [`${indent}listen 127.0.0.1:${options.port};`];
      default:
        throw new Error(`deploy/nginx.conf: unknown cluster marker ${marker[1]}`);
    }
  });
  return lines.join("\n");
}

export async function startNginx(options: { port: number; upstreams: number[]; accessLog: boolean }) {
  const prefix = temporaryDataDir("care-nginx-");
  const config = path.join(prefix, "nginx.conf");
  fs.writeFileSync(config, renderNginxConfig({ ...options, prefix }));
  let output = "";
  const test = spawnSync(NGINX_PATH, ["-t", "-q", "-p", prefix, "-c", config], { encoding: "utf8" });
  if (test.status !== 0) throw new Error(`nginx refused its configuration:\n${test.stderr}`);
  const child = spawn(NGINX_PATH, ["-p", prefix, "-c", config, "-g", "daemon off;"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${options.port}/healthz`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stopNginx(child);
      throw new Error(`nginx did not answer within 15 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, prefix, output: () => output };
}

/** SIGTERM (nginx's fast shutdown: open WebSockets are not waited for), then SIGKILL after 5 s; by the master's pid (its workers follow it). */
export async function stopNginx(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
