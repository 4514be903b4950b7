import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { createTestDatabase, testDatabaseKind } from "../tests/support/database";
import { createLogger } from "./logger";
import { createNotifications, type Notice, type Notifications } from "./notifications";

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

  it("answers a request once its own notices are back, and never makes another request wait for them", async () => {
    const pool = database.pgPool!;
    const order: string[] = [];
    // Every connection of the pool busy for a moment: the notice waits for one, so it is not back at once.
    const sleeps = Array.from({ length: 10 }, () => pool.query("select pg_sleep(0.3)"));
    void Promise.race(sleeps).then(() => order.push("pool free"));
    const busy = Promise.all(sleeps);
    await new Promise((r) => setTimeout(r, 50));
    const notice: Notice = { kind: "round", roundId: "5b1f4a52-2a43-4c3e-9b1e-7a0f3f0c2d11" };
    const changing = here
      .afterOwnNotices(async () => {
        here.publish(notice);
        return "changed";
      })
      .then((result) => order.push(`changing answered: ${result}`));
    const reading = here.afterOwnNotices(async () => "read").then((result) => order.push(`reading answered: ${result}`));
    await Promise.all([busy, changing, reading]);
    expect(order).toEqual(["reading answered: read", "pool free", "changing answered: changed"]);
    // The other process heard it (it is delivered to every listener at once).
    for (let i = 0; i < 100 && heardElsewhere.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(heardElsewhere).toEqual([notice]);
  });
});
