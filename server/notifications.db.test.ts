import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "../db/client";
import { createTestDatabase, testDatabaseKind } from "../tests/support/database";
import { createLogger } from "./logger";
import { CHANGES_CHANNEL, createNotifications, LISTENER_NAME, type Notice, type Notifications } from "./notifications";

const log = createLogger("silent");

async function listening(notifications: Notifications) {
  for (let i = 0; i < 200 && notifications.state() !== "ok"; i++) await new Promise((r) => setTimeout(r, 10));
  expect(notifications.state()).toBe("ok");
}

// LISTEN/NOTIFY exists only between processes on PostgreSQL (PGlite has one process: nothing to tell).
describe.skipIf(testDatabaseKind() !== "postgres")("notices between processes (PostgreSQL)", () => {
  let database: Database;
  let here: Notifications;
  let elsewhere: Notifications;
  const heardElsewhere: Notice[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ seed: false });
    here = createNotifications({ database, log, instance: "here" });
    elsewhere = createNotifications({ database, log, instance: "elsewhere" });
    elsewhere.onNotice((notice) => heardElsewhere.push(notice));
    await Promise.all([listening(here), listening(elsewhere)]);
  });
  afterAll(async () => {
    await Promise.all([here?.stop(), elsewhere?.stop()]);
    await database?.close();
  });

  it("answers a request once the others acknowledged its notices, and never makes another request wait for them", async () => {
    const pool = database.pgPool!;
    const order: string[] = [];
    // Every connection of the pool busy for a moment: the notice waits for one, so it is not back at once.
    const sleeps = Array.from({ length: 10 }, () => pool.query("select pg_sleep(0.3)"));
    void Promise.race(sleeps).then(() => order.push("pool free"));
    const busy = Promise.all(sleeps);
    await new Promise((r) => setTimeout(r, 50));
    const notice: Notice = { kind: "pages", change: "positions" };
    heardElsewhere.length = 0;
    const changing = here
      .afterOwnNotices(async () => {
        here.publish(notice);
        return "changed";
      })
      .then((result) => order.push(`changing answered: ${result}`));
    const reading = here.afterOwnNotices(async () => "read").then((result) => order.push(`reading answered: ${result}`));
    await Promise.all([busy, changing, reading]);
    expect(order).toEqual(["reading answered: read", "pool free", "changing answered: changed"]);
    // The other process had acted on it before the request answered.
    expect(heardElsewhere).toEqual([notice]);
  });

  it("waits for every listening process, a slow one too, and at most the timeout for one that never answers", async () => {
    // A third process, played by hand: it hears the notice and acknowledges it only when told to.
    const slow = new pg.Client({ ...database.pgPool!.options, application_name: `${LISTENER_NAME}:slow` });
    await slow.connect();
    try {
      const heard: { o: string; s: number }[] = [];
      slow.on("notification", (m) => {
        const parsed = JSON.parse(m.payload!) as { o?: string; s?: number; n?: unknown };
        if (parsed.n) heard.push({ o: parsed.o!, s: parsed.s! });
      });
      await slow.query(`LISTEN ${CHANGES_CHANNEL}`);
      heardElsewhere.length = 0;
      const order: string[] = [];
      const changing = here
        .afterOwnNotices(async () => here.publish({ kind: "pages", change: "site" }), 5_000)
        .then(() => order.push("answered"));
      for (let i = 0; i < 200 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(order).toEqual([]);
      expect(heardElsewhere).toEqual([{ kind: "pages", change: "site" }]);
      order.push("slow acknowledged");
      await slow.query("select pg_notify($1, $2)", [CHANGES_CHANNEL, JSON.stringify({ a: heard[0]!.o, s: heard[0]!.s, f: "slow" })]);
      await changing;
      expect(order).toEqual(["slow acknowledged", "answered"]);

      // One that never acknowledges holds a request for the timeout, no longer.
      const started = performance.now();
      await here.afterOwnNotices(async () => here.publish({ kind: "pages", change: "organizations" }), 300);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      // … nor does it keep the notice waiting for ever, also one sent outside a request (a job).
      here.publish({ kind: "pages", change: "positions" });
      expect(here.waiting()).toBe(2);
      await vi.waitFor(() => expect(here.waiting()).toBe(0), { timeout: 7_000, interval: 100 });
    } finally {
      await slow.end();
    }
    // Round notices are not waited for: round streams follow them as they come.
    const started = performance.now();
    await here.afterOwnNotices(async () => here.publish({ kind: "round", roundId: "5b1f4a52-2a43-4c3e-9b1e-7a0f3f0c2d11" }), 5_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
