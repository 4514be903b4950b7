import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_LIMITS } from "../../server/rate-limit";
import { makePerson, TEST_PASSWORD } from "../support/factories";
import { postFrom } from "../support/from-address";
import { startTestServer, type TestServer } from "../support/server";

// Each test uses its own addresses (127.0.x.y) and its own member, so their counts never meet.
describe("sign-in limits", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  const login = (from: string, email: string, password: string) => postFrom(from, server.url, "/login", { email, password });

  it("never lock a member out: 100 wrong passwords from another address leave their own sign-in working", async () => {
    const member = await makePerson(server.database.db);
    const attacker = "127.0.1.2";
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await login(attacker, member.email, `guess number ${i}`)).status);
    // The attacker's pair is refused after its failures; nothing more is even checked.
    expect(statuses.slice(0, LOGIN_LIMITS.failuresPerAccountAndAddress).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(LOGIN_LIMITS.failuresPerAccountAndAddress).every((s) => s === 429)).toBe(true);
    // Even the right password is refused for the attacker's pair …
    expect((await login(attacker, member.email, TEST_PASSWORD)).status).toBe(429);
    // … and works from the member's own address.
    const own = await login("127.0.1.3", member.email, TEST_PASSWORD);
    expect(own.status).toBe(302);
    expect(own.location).toBe("/app");
  });

  it("slow an account's sign-ins down, never refuse them, when failures come from many addresses", async () => {
    const member = await makePerson(server.database.db);
    // Ten addresses, each staying under its pair's limit, together pass the account's.
    const spread = Array.from({ length: 10 }, (_, i) => `127.0.2.${i + 2}`);
    await Promise.all(
      spread.map(async (from) => {
        for (let i = 0; i < 3; i++) expect((await login(from, member.email, `wrong ${i}`)).status).toBe(400);
      }),
    );
    const own = await login("127.0.2.100", member.email, TEST_PASSWORD);
    expect(own.status).toBe(302);
    // The delay is there (a lower bound, not a performance figure).
    expect(own.ms).toBeGreaterThanOrEqual(LOGIN_LIMITS.accountDelayMs - 50);
  });

  it("count failures only, and a success clears its pair's count", async () => {
    const member = await makePerson(server.database.db);
    const from = "127.0.3.2";
    for (let i = 0; i < 15; i++) expect((await login(from, member.email, TEST_PASSWORD)).status).toBe(302);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < LOGIN_LIMITS.failuresPerAccountAndAddress - 1; i++) {
        expect((await login(from, member.email, "not the password")).status).toBe(400);
      }
      expect((await login(from, member.email, TEST_PASSWORD)).status).toBe(302);
    }
  });

  it("refuse an address that fails for many accounts, and only that address", async () => {
    const db = server.database.db;
    const members = await Promise.all(Array.from({ length: 6 }, () => makePerson(db)));
    const from = "127.0.4.2";
    let failures = 0;
    for (const member of members) {
      for (let i = 0; i < 9 && failures < LOGIN_LIMITS.failuresPerAddress; i++, failures++) {
        expect((await login(from, member.email, "spray and pray")).status).toBe(400);
      }
    }
    expect(failures).toBe(LOGIN_LIMITS.failuresPerAddress);
    const refused = await login(from, members[5]!.email, TEST_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("Too many sign-in attempts");
    expect((await login("127.0.4.3", members[5]!.email, TEST_PASSWORD)).status).toBe(302);
  });
});
