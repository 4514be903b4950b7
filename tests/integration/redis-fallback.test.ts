import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_LIMITS } from "../../server/rate-limit";
import { eventually } from "../support/collab";
import { makePerson } from "../support/factories";
import { postFrom } from "../support/from-address";
import { freePort } from "../support/process";
import { startTestServer, type TestServer } from "../support/server";

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;

// A Redis of this test's own, on a free port, started late and stopped by its pid.
describe.runIf(hasRedis)("rate limits while Redis is unreachable", () => {
  let server: TestServer;
  let port: number;
  let redis: ChildProcess | undefined;
  const prefix = `care-test-${crypto.randomBytes(4).toString("hex")}:`;
  beforeAll(async () => {
    port = await freePort();
    server = await startTestServer({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: prefix } });
  });
  afterAll(async () => {
    await server?.close();
    if (redis && redis.exitCode === null) {
      const exited = new Promise((resolve) => redis!.once("exit", resolve));
      redis.kill("SIGTERM");
      await exited;
    }
  });

  const login = (from: string, email: string) => postFrom(from, server.url, "/login", { email, password: "not the password" });

  it("count in memory meanwhile, report Redis down without failing readiness, and go back to Redis when it returns", async () => {
    // On PostgreSQL the notification listener connects just after start: ready once it has.
    let ready = await fetch(`${server.url}/readyz`);
    await eventually(async () => (ready = await fetch(`${server.url}/readyz`)).status === 200, "ready", 15_000);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { database: "ok", redis: "down" } });

    const member = await makePerson(server.database.db);
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_LIMITS.failuresPerAccountAndAddress; i++) statuses.push((await login("127.0.9.2", member.email)).status);
    expect(statuses.slice(0, -1).every((s) => s === 400)).toBe(true);
    expect(statuses.at(-1)).toBe(429);

    redis = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await eventually(() => server.redis!.isReady(), "the server reconnects to Redis", 15_000);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({ checks: { redis: "ok" } });
    expect((await login("127.0.9.3", member.email)).status).toBe(400);
    const keys = await server.redis!.client.keys(`${prefix}limit:*`);
    expect(keys.some((k) => k.includes("127.0.9.3"))).toBe(true);
  });
});
