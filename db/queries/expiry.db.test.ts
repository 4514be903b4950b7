import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../tests/support/database";
import { makePerson } from "../../tests/support/factories";
import type { Database } from "../client";
import { consumeOneTimeToken, createOneTimeToken, findOneTimeToken, TOKEN_LIFETIME_MS } from "./one-time-tokens";
import { createSession, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, validateSessionToken } from "./sessions";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const DAY = 86_400_000;

describe("one-time tokens", () => {
  it("are valid until their lifetime ends, then expired; used ones stay used", async () => {
    const db = database.db;
    const t0 = new Date("2026-01-01T12:00:00Z");
    const { token, row } = await createOneTimeToken(db, { purpose: "invitation", email: "x@example.org" }, t0);
    expect(row.expiresAt.getTime() - t0.getTime()).toBe(TOKEN_LIFETIME_MS.invitation);
    expect(TOKEN_LIFETIME_MS.invitation).toBe(7 * DAY);
    const justBefore = new Date(row.expiresAt.getTime() - 1);
    expect((await findOneTimeToken(db, token, "invitation", { now: justBefore })).state).toBe("valid");
    expect((await findOneTimeToken(db, token, "invitation", { now: row.expiresAt })).state).toBe("expired");
    // The same token for another purpose is unknown, not valid.
    expect((await findOneTimeToken(db, token, "password_reset", { now: t0 })).state).toBe("unknown");
    expect(await consumeOneTimeToken(db, row.id)).toBe(true);
    expect(await consumeOneTimeToken(db, row.id)).toBe(false);
    expect((await findOneTimeToken(db, token, "invitation", { now: t0 })).state).toBe("used");
  });

  it("for password resets last two hours", () => {
    expect(TOKEN_LIFETIME_MS.password_reset).toBe(2 * 3_600_000);
  });
});

describe("sessions", () => {
  it("slide their idle expiry while used, but never past the absolute one", async () => {
    const db = database.db;
    const person = await makePerson(db);
    const t0 = new Date("2026-01-01T00:00:00Z");
    const { token } = await createSession(db, person.id, t0);
    // Used every 20 days: each use pushes the idle expiry on...
    let now = t0;
    for (let day = 20; day < 90; day += 20) {
      now = new Date(t0.getTime() + day * DAY);
      const session = await validateSessionToken(db, token, now);
      expect(session, `day ${day}`).not.toBeNull();
      expect(session!.expiresAt.getTime()).toBeLessThanOrEqual(t0.getTime() + SESSION_ABSOLUTE_MS);
    }
    // ...until the absolute lifetime ends it.
    expect(await validateSessionToken(db, token, new Date(t0.getTime() + SESSION_ABSOLUTE_MS))).toBeNull();
  });

  it("end after the idle lifetime without use", async () => {
    const db = database.db;
    const person = await makePerson(db);
    const t0 = new Date("2026-02-01T00:00:00Z");
    const { token } = await createSession(db, person.id, t0);
    expect(await validateSessionToken(db, token, new Date(t0.getTime() + SESSION_IDLE_MS - 1000))).not.toBeNull();
    expect(await validateSessionToken(db, token, new Date(t0.getTime() + 2 * SESSION_IDLE_MS))).toBeNull();
  });
});
