import { afterAll, beforeAll, expect, it } from "vitest";
import { LOGIN_LIMITS } from "../../server/rate-limit";
import { makePerson, TEST_PASSWORD, unique } from "../support/factories";
import { postFrom } from "../support/from-address";
import { describeCluster, startCluster, type Cluster } from "../support/cluster";

// Every 127.x.y.z address is the loopback: each test is its own client, seen by nginx (and
// passed on in X-Forwarded-For) as that address. Requests go round-robin over three processes,
// so a limit counted per process would let about three times as many through.
describeCluster("rate limits with three processes behind nginx", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(() => cluster?.close());

  const post = (from: string, path: string, fields: Record<string, string>) => postFrom(from, cluster.url, path, fields);

  it("refuse sign-ins after the same number of failures as one process", async () => {
    const member = await makePerson(cluster.database.db);
    const from = "127.0.7.2";
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_LIMITS.failuresPerAccountAndAddress; i++) {
      statuses.push((await post(from, "/login", { email: member.email, password: `wrong ${i}` })).status);
    }
    expect(statuses.slice(0, LOGIN_LIMITS.failuresPerAccountAndAddress)).toEqual(
      Array(LOGIN_LIMITS.failuresPerAccountAndAddress).fill(400),
    );
    expect(statuses.at(-1)).toBe(429);
    // Refused on every process, even with the right password …
    for (let i = 0; i < 3; i++) expect((await post(from, "/login", { email: member.email, password: TEST_PASSWORD })).status).toBe(429);
    // … and the member's own address signs in.
    expect((await post("127.0.7.3", "/login", { email: member.email, password: TEST_PASSWORD })).status).toBe(302);
  });

  it("limit password-reset requests per address across processes", async () => {
    const from = "127.0.7.4";
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await post(from, "/forgot", { email: `${unique("nobody")}@example.org` })).status);
    expect(statuses.slice(0, 10).every((s) => s < 400)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect((await post("127.0.7.5", "/forgot", { email: `${unique("nobody")}@example.org` })).status).toBeLessThan(400);
  });

  it("limit posts to token pages per address across processes", async () => {
    const from = "127.0.7.6";
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await post(from, `/reset/${"a".repeat(32)}`, { password: "a long enough passphrase" })).status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it("limit membership inquiries per address across processes", async () => {
    const from = "127.0.7.7";
    const inquiry = () => ({
      name: "Pat Advocate",
      email: `${unique("pat")}@example.org`,
      organization: unique("Rare Lung Alliance"),
      kind: "patient_advocacy",
      message: "We represent 4,000 families living with rare lung disease.",
      homepage: "",
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(from, "/join", inquiry())).status);
    expect(statuses.slice(0, 5)).toEqual([303, 303, 303, 303, 303]);
    expect(statuses[5]).toBe(429);
  });
});
