import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { DEFAULT_TIME_ZONE, seedCoalition } from "../../db/queries/coalition";
import { coalition } from "../../db/schema";
import { readCoalitionProfile } from "../../server/boot";
import { createTestDatabase } from "../../tests/support/database";
import { coalitionTimeZone, readerTimeZone } from "./time-zone.server";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
});
afterAll(async () => {
  await database?.close();
});

it("reads the coalition's zone once it is seeded, and then never again", async () => {
  const context = { database };
  // Before the seed: the default, not kept.
  expect(await coalitionTimeZone(context)).toBe(DEFAULT_TIME_ZONE);
  await seedCoalition(database.db, { ...readCoalitionProfile(), timeZone: "Europe/Berlin" });
  expect(await coalitionTimeZone(context)).toBe("Europe/Berlin");
  expect(await readerTimeZone(context, { timeZone: null })).toBe("Europe/Berlin");
  expect(await readerTimeZone(context, { timeZone: "America/Chicago" })).toBe("America/Chicago");
  // The application never changes it; a change behind its back is not read again.
  await database.db.update(coalition).set({ timeZone: "Asia/Tokyo" });
  expect(await coalitionTimeZone(context)).toBe("Europe/Berlin");
  // Another database (another coalition) has its own.
  const other = await createTestDatabase();
  try {
    expect(await coalitionTimeZone({ database: other })).toBe(readCoalitionProfile().timeZone);
  } finally {
    await other.close();
  }
});
