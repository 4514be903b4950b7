/**
 * Ballots benchmark (DESIGN.md §8): 50 organizations cast their ballots at the same moment, over
 * HTTP against the real server (its own process) on PostgreSQL, with the audit chain on. Repeated over several
 * rounds; every ballot must be stored. Reports p50, p99 and max of the request latency.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { eq } from "drizzle-orm";
import { ballots, organizations } from "../db/schema";
import { createSession } from "../db/queries/sessions";
import { createOrganization } from "../db/queries/organizations";
import { createPerson } from "../db/queries/people";
import { createProposal } from "../db/queries/proposals";
import { startServerProcess } from "../tests/support/process";
import { benchNodeArgs } from "./node-args";
import { processCpuMs } from "./process-usage";
import { percentile, scratchDatabase } from "./scratch-database";

export interface BallotBenchResult {
  organizations: number;
  rounds: number;
  ballots: number;
  stored: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The server's CPU time (user + system) per measured ballot: less sensitive to a busy machine than latency. */
  serverCpuMsPerBallot: number;
  /** Load average (1 min) before and after. */
  loadAverage: [number, number];
  budget: { limitMs: number; ok: boolean };
}

export async function runBallotBench(
  options: { databaseUrl?: string; organizations?: number; rounds?: number } = {},
): Promise<BallotBenchResult> {
  const count = options.organizations ?? 50;
  const roundCount = options.rounds ?? 10;
  const scratch = await scratchDatabase("care_table_bench_ballots", options.databaseUrl);
  // The server in its own process, as in production: the load generator does not share its CPU time.
  const server = await startServerProcess({
    env: { DATABASE_URL: scratch.url, LOG_LEVEL: "warn" },
    nodeArgs: benchNodeArgs(),
  });
  try {
    const db = scratch.database.db;
    await db.update(organizations).set({ votingMember: false });
    const convener = await createPerson(db, {
      email: "bench-convener@example.org",
      name: "Convener",
      passwordHash: "!",
      role: "convener",
      organizationId: null,
      canVote: false,
    });
    const lead = await createOrganization(db, {
      name: "Lead",
      shortName: "",
      website: null,
      description: "",
      pillars: [],
      votingMember: false,
    });
    const voters: { cookie: string }[] = [];
    for (let i = 0; i < count; i++) {
      const o = await createOrganization(db, {
        name: `Bench organization ${i}`,
        shortName: "",
        website: null,
        description: "",
        pillars: [],
        votingMember: true,
      });
      const p = await createPerson(db, {
        email: `voter${i}@example.org`,
        name: `Voter ${i}`,
        passwordHash: "!",
        role: "representative",
        organizationId: o.id,
        canVote: true,
      });
      voters.push({ cookie: `care_session=${(await createSession(db, p.id)).token}` });
    }
    const adminCookie = `care_session=${(await createSession(db, convener.id)).token}`;
    const post = (cookie: string, path: string, body: Record<string, string>) =>
      fetch(server.url + path, {
        method: "POST",
        headers: { Cookie: cookie, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(body),
        redirect: "manual",
      });
    const latencies: number[] = [];
    let stored = 0;
    let cpuAtStart = 0;
    const loadBefore = os.loadavg()[0]!;
    for (let r = 0; r < roundCount + 1; r++) {
      const proposal = await createProposal(db, {
        title: `Bench proposal ${r}`,
        summary: "",
        pillars: ["access"],
        leadOrganizationId: lead.id,
        createdById: convener.id,
      });
      if (r === 1) cpuAtStart = processCpuMs(server.child.pid!);
      const deadline = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);
      const opened = await post(adminCookie, `/app/proposals/${proposal.id}/round`, { deadline, quorum: "2/3", thresholdPercent: "80" });
      const roundId = opened.headers.get("location")?.match(/rounds\/([0-9a-f-]{36})/)?.[1];
      if (!roundId) throw new Error(`the round did not open: ${opened.status}`);
      const times = await Promise.all(
        voters.map(async (v, i) => {
          const started = performance.now();
          const res = await post(v.cookie, `/app/rounds/${roundId}`, {
            intent: "cast",
            option: i % 10 === 0 ? "object" : "endorse",
            reason: "bench",
          });
          await res.arrayBuffer();
          if (res.status !== 302) throw new Error(`ballot refused: ${res.status}`);
          return performance.now() - started;
        }),
      );
      // The first round warms connections and caches up; it is not counted.
      if (r > 0) {
        latencies.push(...times);
        stored += await db.$count(ballots, eq(ballots.roundId, roundId));
      }
    }
    const cpuMs = processCpuMs(server.child.pid!) - cpuAtStart;
    const p99 = percentile(latencies, 99);
    return {
      organizations: count,
      rounds: roundCount,
      ballots: latencies.length,
      stored,
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99Ms: Math.round(p99 * 10) / 10,
      maxMs: Math.round(Math.max(...latencies) * 10) / 10,
      // Includes opening each measured round (one request) and the ballots' mail delivery loop.
      serverCpuMsPerBallot: Math.round((cpuMs / latencies.length) * 100) / 100,
      loadAverage: [Math.round(loadBefore * 100) / 100, Math.round(os.loadavg()[0]! * 100) / 100],
      budget: { limitMs: 100, ok: p99 < 100 && stored === latencies.length },
    };
  } finally {
    await server.stop();
    await scratch.drop();
  }
}
