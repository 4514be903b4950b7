import { spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { describe } from "vitest";
import type { Database } from "../../db/client";
import { createPostgresTestDatabase } from "./database";
import { NGINX_PATH, startNginx, stopNginx } from "./nginx";
import { freePort, startServerProcess, type ServerProcess } from "./process";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";
const required = process.env.REQUIRE_E2E === "1" || process.env.REQUIRE_E2E === "true";

/** Why cluster tests cannot run here, or null when they can (PostgreSQL, nginx and Redis are there). */
export function clusterUnavailable(): string | null {
  if (!process.env.TEST_DATABASE_URL) return "TEST_DATABASE_URL is not set (several processes need PostgreSQL)";
  if (!fs.existsSync(NGINX_PATH)) return `nginx is missing at ${NGINX_PATH} (apt-get install -y nginx-light)`;
  const url = new URL(TEST_REDIS_URL);
  const ping = spawnSync("redis-cli", ["-h", url.hostname, "-p", url.port || "6379", "ping"], { encoding: "utf8", timeout: 5_000 });
  if (ping.stdout?.trim() !== "PONG") return `Redis does not answer at ${TEST_REDIS_URL} (redis-server --daemonize yes --bind 127.0.0.1)`;
  return null;
}

/**
 * `describe` for tests of several processes behind nginx. Without PostgreSQL (or nginx, Redis)
 * they are skipped with the reason in their name; with REQUIRE_E2E=1 (CI) a missing piece fails
 * the run instead.
 */
export function describeCluster(name: string, body: () => void) {
  const missing = clusterUnavailable();
  if (!missing) return describe(name, body);
  if (required && process.env.TEST_DATABASE_URL) {
    return describe(name, () => {
      throw new Error(`REQUIRE_E2E is set but the cluster tests cannot run: ${missing}`);
    });
  }
  console.warn(`Skipping "${name}": ${missing}.`);
  return describe.skip(`${name} (skipped: ${missing})`, body);
}

export interface ClusterProcess {
  /** p1, p2, …: the process's INSTANCE_NAME, as /readyz reports it. */
  name: string;
  /** The process's own address, bypassing nginx. */
  url: string;
  port: number;
  /** The running process (replaced by `restart`). */
  process: ServerProcess;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** SIGTERM, and waits for the exit code. */
  stop(): Promise<number | null>;
  /** Starts it again on the same port with the same environment (after kill or stop). */
  restart(): Promise<void>;
}

export interface Cluster {
  /** nginx's address: every process's PUBLIC_URL. */
  url: string;
  processes: ClusterProcess[];
  /** The shared database, opened in the test too (factories, counting rows). */
  database: Database;
  databaseUrl: string;
  /** The Redis key and channel prefix of this cluster (REDIS_PREFIX), unique per start. */
  redisPrefix: string;
  /** Everything nginx wrote to its error log (it logs to stderr). */
  nginxOutput(): string;
  /** Stops nginx and every process (by pid), drops the database. */
  close(): Promise<void>;
}

/**
 * N real server processes (build/server/index.js) on one fresh PostgreSQL database and the local
 * Redis (a random prefix), behind a real nginx configured from deploy/nginx.conf: round-robin,
 * WebSockets passed through. Build first (`npm run build`; the test run's global setup does).
 */
export async function startCluster(
  options: {
    processes?: number;
    env?: Record<string, string>;
    /** More environment for one process (p1, p2, …). */
    envFor?: (name: string) => Record<string, string>;
    redis?: boolean;
    nginxAccessLog?: boolean;
  } = {},
): Promise<Cluster> {
  const count = options.processes ?? 3;
  const { database, url: databaseUrl } = await createPostgresTestDatabase();
  const redisPrefix = `care-test-${crypto.randomBytes(6).toString("hex")}:`;
  const nginxPort = await freePort();
  const url = `http://127.0.0.1:${nginxPort}`;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const processes: ClusterProcess[] = [];
  let nginx: { child: ChildProcess; output(): string; prefix: string } | undefined;

  const close = async () => {
    if (nginx) await stopNginx(nginx.child);
    await Promise.all(processes.map((p) => p.process.kill()));
    if (nginx) fs.rmSync(nginx.prefix, { recursive: true, force: true });
    await database.close();
  };

  try {
    const envFor = (name: string): Record<string, string> => ({
      // Each process's connections carry its name (pg_stat_activity.application_name = care-p1, …).
      DATABASE_URL: withApplicationName(databaseUrl, `care-${name}`),
      ...(options.redis === false ? {} : { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix }),
      PUBLIC_URL: url,
      TRUST_PROXY: "1",
      INSTANCE_NAME: name,
      ...options.env,
      ...options.envFor?.(name),
    });
    const started = await Promise.all(ports.map((port, i) => startServerProcess({ port, env: envFor(`p${i + 1}`) })));
    started.forEach((first, i) => {
      const name = `p${i + 1}`;
      const port = ports[i]!;
      const entry: ClusterProcess = {
        name,
        url: first.url,
        port,
        process: first,
        kill: () => entry.process.kill(),
        stop: () => entry.process.stop(),
        async restart() {
          await entry.process.kill();
          entry.process = await startServerProcess({ port, env: envFor(name) });
        },
      };
      processes.push(entry);
    });
    nginx = await startNginx({ port: nginxPort, upstreams: ports, accessLog: options.nginxAccessLog ?? false });
  } catch (error) {
    await close();
    throw error;
  }
  const started = nginx;
  return { url, processes, database, databaseUrl, redisPrefix, nginxOutput: () => started.output(), close };
}

function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set("application_name", name);
  return u.toString();
}

/** /readyz of whichever process nginx picked. */
export async function readyz(
  url: string,
): Promise<{ status: number; body: { ok: boolean; instance: string; checks: Record<string, string> } }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; instance: string; checks: Record<string, string> } };
}
