/**
 * Cost as the record grows (DESIGN.md §8): builds a coalition's record on PostgreSQL in bulk SQL
 * (not through the application, so it builds in minutes) at full size — 60 organizations, 400
 * people, 2,000 proposals with 20 revisions each, 500 closed rounds with their ballots (one per
 * position: each position is one round's adoption), 500 positions, 200,000 audit events (a valid
 * chain), 50,000 comments — and at a tenth of it, then measures the same pages on both with the
 * built server in its own process and autocannon at 10 connections: public pages (first render
 * and kept), the signed-in pages, and `npm run cli -- verify-audit` (time and peak memory).
 * `BENCH_SCALES=0.1` measures only the tenth.
 */
import autocannon from "autocannon";
import os from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";
import * as Y from "yjs";
import { hashAuditEvent, AUDIT_GENESIS_HASH } from "../db/queries/audit";
import { createSession } from "../db/queries/sessions";
import fs from "node:fs";
import { openDatabase } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { seedCoalition } from "../db/queries/coalition";
import { readCoalitionProfile } from "../server/boot";
import { migrationsFolder } from "../server/paths";
import { startServerProcess, temporaryDataDir, type ServerProcess } from "../tests/support/process";
import { benchNodeArgs } from "./node-args";
import { cliPeak, emptyEmbeddedIdle, idleResident, newFolderPeak } from "./idle-memory";
import { residentMb } from "./process-usage";
import { scratchDatabase } from "./scratch-database";

export interface RecordSize {
  organizations: number;
  people: number;
  proposals: number;
  revisionsPerProposal: number;
  rounds: number;
  positions: number;
  auditEvents: number;
  comments: number;
}

const FULL: RecordSize = {
  organizations: 60,
  people: 400,
  proposals: 2000,
  revisionsPerProposal: 20,
  rounds: 500,
  positions: 500,
  auditEvents: 200_000,
  comments: 50_000,
};

const WORDS = [
  "coverage",
  "access",
  "research",
  "equity",
  "wheelchair",
  "repair",
  "rural",
  "caregiver",
  "medicaid",
  "appeal",
  "telehealth",
  "transport",
  "ventilator",
  "nursing",
  "disability",
  "prescription",
  "waiting",
  "interpreter",
  "housing",
  "workforce",
];

/** One paragraph of plain words, varied by n (so searches find some rows and not others). */
function paragraphSql(n: string) {
  return `(select string_agg((array[${WORDS.map((w) => `'${w}'`).join(",")}])[1 + ((${n} * 7 + k * 13) % ${WORDS.length})], ' ') from generate_series(1, 60) k)`;
}

function scaled(size: RecordSize, factor: number): RecordSize {
  const s = (v: number) => Math.max(1, Math.round(v * factor));
  return {
    organizations: s(size.organizations),
    people: s(size.people),
    proposals: s(size.proposals),
    revisionsPerProposal: size.revisionsPerProposal,
    rounds: s(size.rounds),
    positions: s(size.positions),
    auditEvents: s(size.auditEvents),
    comments: s(size.comments),
  };
}

/** A small real Yjs document (the collaboration fragment with one paragraph) for every revision's state. */
function sampleYjsState(): Buffer {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment("default");
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("A revision of a proposal in the large record.")]);
  fragment.insert(0, [paragraph]);
  return Buffer.from(Y.encodeStateAsUpdate(doc));
}

type Query = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/** Builds the record in `url`'s database (migrated and seeded). Returns ids the pages need. */
async function buildRecord(url: string, size: RecordSize, log: (line: string) => void) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await buildRecordWith((text, values = []) => client.query(text, values), size, log);
  } finally {
    await client.end();
  }
}

/** The same record through any connection's query function (pg, or PGlite for the memory figure). */
async function buildRecordWith(q: Query, size: RecordSize, log: (line: string) => void) {
  const started = performance.now();
  {
    await q(
      `insert into organizations (name, short_name, description, pillars, voting_member)
      select 'Member organization ' || i, 'MO' || i, ${paragraphSql("i")}, array[(array['coverage','access','research','equity'])[1 + i % 4]]::pillar[], true
      from generate_series(1, $1) i`,
      [size.organizations],
    );
    await q(
      `insert into people (email, name, password_hash, role, organization_id, can_vote)
      select 'person' || i || '@example.org', 'Person ' || i, '!', 'representative',
        (select id from organizations order by name offset (i % $2) limit 1), i % 3 = 0
      from generate_series(1, $1 - 1) i`,
      [size.people, size.organizations],
    );
    const convener = await q(
      `insert into people (email, name, password_hash, role, can_vote) values ('convener@example.org', 'Convener', '!', 'convener', false) returning id`,
    );
    const convenerId = convener.rows[0]!.id as string;
    await q(`create temporary table org_list as select id, name, row_number() over (order by name) - 1 as n from organizations`);
    await q(`create temporary table person_list as select id, organization_id, row_number() over (order by email) - 1 as n from people`);
    // Proposals: the first `rounds` are adopted (each with a position), the rest drafts.
    await q(
      `insert into proposals (title, summary, pillars, lead_organization_id, status, created_by_id, body_json, body_html, body_text, body_updated_at, created_at, updated_at)
      select 'Proposal ' || i || ': ' || (array[${WORDS.map((w) => `'${w}'`).join(",")}])[1 + i % ${WORDS.length}],
        ${paragraphSql("i")}, array[(array['coverage','access','research','equity'])[1 + i % 4]]::pillar[],
        (select id from org_list where n = i % $2), case when i <= $3 then 'adopted' else 'draft' end::proposal_status, $4,
        jsonb_build_object('type', 'doc', 'content', jsonb_build_array(jsonb_build_object('type', 'paragraph', 'content', jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Body of proposal ' || i))))),
        '<p>' || ${paragraphSql("i")} || '</p>', ${paragraphSql("i")}, now(), now() - (i || ' hours')::interval, now() - (i || ' minutes')::interval
      from generate_series(1, $1) i`,
      [size.proposals, size.organizations, size.rounds, convenerId],
    );
    await q(`create temporary table proposal_list as select id, row_number() over (order by created_at desc) as n from proposals`);
    await q(
      `insert into proposal_sponsors (proposal_id, organization_id)
      select p.id, o.id from proposal_list p join org_list o on o.n = (p.n + 1) % $1 where p.n % 2 = 0`,
      [size.organizations],
    );
    await q(
      `insert into proposal_revisions (proposal_id, number, label, yjs_state, prosemirror_json, html, text, fingerprint, author_id, created_at)
      select p.id, r, 'Version ' || r, $2::bytea,
        jsonb_build_object('type', 'doc', 'content', jsonb_build_array(jsonb_build_object('type', 'paragraph', 'content', jsonb_build_array(jsonb_build_object('type', 'text', 'text', ${paragraphSql("(p.n + r)")}))))),
        '<p>' || ${paragraphSql("(p.n + r)")} || '</p>', ${paragraphSql("(p.n + r)")}, md5(p.id::text || r), $3, now() - ((100 - r) || ' days')::interval
      from proposal_list p, generate_series(1, $1) r`,
      [size.revisionsPerProposal, sampleYjsState(), convenerId],
    );
    // Rounds: closed and adopted, on each adopted proposal's last revision, the whole roster, ballots from most.
    await q(
      `insert into rounds (proposal_id, revision_id, status, deadline, quorum_numerator, quorum_denominator, threshold_percent, opened_by_id, opened_at, closed_at, closed_by_id, outcome, explanation, tally)
      select p.id, (select id from proposal_revisions v where v.proposal_id = p.id order by number desc limit 1), 'closed',
        now() - (p.n || ' days')::interval, 2, 3, 80, $1, now() - ((p.n + 14) || ' days')::interval, now() - (p.n || ' days')::interval, $1,
        'adopted', 'Adopted.', '{}'::jsonb
      from proposals x join proposal_list p on p.id = x.id where x.status = 'adopted'`,
      [convenerId],
    );
    await q(`insert into round_roster (round_id, organization_id, organization_name) select r.id, o.id, o.name from rounds r, org_list o`);
    await q(
      `insert into ballots (round_id, organization_id, option, reason, list_publicly, cast_by_id, cast_at)
      select r.id, o.id, case when o.n % 9 = 0 then 'stand_aside' else 'endorse' end::ballot_option, '', true,
        coalesce((select id from person_list pl where pl.organization_id = o.id limit 1), $1), r.deadline - interval '1 day'
      from rounds r, org_list o where o.n % 5 <> 4`,
      [convenerId],
    );
    await q(`insert into ballot_history (round_id, organization_id, option, reason, list_publicly, cast_by_id, recorded_by_convener, note, cast_at)
      select round_id, organization_id, option, reason, list_publicly, cast_by_id, recorded_by_convener, note, cast_at from ballots`);
    await q(
      `insert into positions (slug, round_id, proposal_id, revision_id, title, summary, reading_grade_tenths, pillars, html, text, fingerprint, audit_head,
        endorsers, participants, roster_size, status, adopted_at, release_at, published_by_id)
      select 'position-' || row_number() over (order by r.closed_at desc), r.id, r.proposal_id, r.revision_id, x.title, x.summary, 80, x.pillars, v.html, v.text,
        v.fingerprint, repeat('0', 64),
        (select jsonb_agg(jsonb_build_object('organizationId', o.id, 'name', o.name, 'logo', null)) from (select * from org_list order by n limit 10) o),
        $2, $2, 'published', r.closed_at, r.closed_at, $1
      from rounds r join proposals x on x.id = r.proposal_id join proposal_revisions v on v.id = r.revision_id
      order by r.closed_at desc limit $3`,
      [convenerId, size.organizations, size.positions],
    );
    await q(`insert into position_slugs (slug, position_id) select slug, id from positions`);
    await q(
      `insert into proposal_comments (proposal_id, author_id, organization_id, body, created_at)
      select p.id, pl.id, pl.organization_id, 'Comment ' || i || ': ' || ${paragraphSql("i")}, now() - (i || ' minutes')::interval
      from generate_series(1, $1) i join proposal_list p on p.n = 1 + (i % greatest(1, $2 / 10)) join person_list pl on pl.n = i % $3`,
      [size.comments, size.proposals, size.people],
    );
    log(`  rows in ${((performance.now() - started) / 1000).toFixed(1)} s; audit events…`);
    // The audit chain, hashed here exactly as the application hashes it, inserted in batches.
    const people = (await q(`select id from people order by email`)).rows.map((r) => r.id as string);
    const subjects = (await q(`select id from proposals order by created_at desc limit 200`)).rows.map((r) => r.id as string);
    const head = await q(`select hash from audit_events order by seq desc limit 1`);
    let prevHash = (head.rows[0]?.hash as string | undefined) ?? AUDIT_GENESIS_HASH;
    const base = Date.now() - size.auditEvents * 1000;
    const batch = 2000;
    for (let startAt = 0; startAt < size.auditEvents; startAt += batch) {
      const values: unknown[] = [];
      const rows: string[] = [];
      for (let i = startAt; i < Math.min(size.auditEvents, startAt + batch); i++) {
        const fields = {
          at: new Date(base + i * 1000),
          actorId: people[i % people.length]!,
          action: i % 3 === 0 ? "proposal.comment" : i % 3 === 1 ? "proposal.revision" : "ballot.cast",
          subjectType: "proposal",
          subjectId: subjects[i % subjects.length]!,
          before: null,
          after: { n: i, note: "bulk-built event" },
          prevHash,
        };
        const hash = hashAuditEvent(fields);
        const o = values.length;
        values.push(
          fields.at,
          fields.actorId,
          fields.action,
          fields.subjectType,
          fields.subjectId,
          JSON.stringify(fields.after),
          prevHash,
          hash,
        );
        rows.push(
          `($${o + 1}::timestamptz, $${o + 2}::uuid, $${o + 3}, $${o + 4}, $${o + 5}, null, $${o + 6}::jsonb, $${o + 7}, $${o + 8})`,
        );
        prevHash = hash;
      }
      await q(
        `insert into audit_events (at, actor_id, action, subject_type, subject_id, before, after, prev_hash, hash) values ${rows.join(",")}`,
        values,
      );
    }
    await q(`analyze`);
    log(`  built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const ids = await q(`select
        (select id from proposals where status = 'draft' order by created_at desc limit 1) as draft_id,
        (select id from rounds order by closed_at desc limit 1) as round_id,
        (select slug from positions order by release_at desc limit 1) as slug,
        (select max(seq) - 100 from audit_events) as audit_before`);
    return { convenerId, ...(ids.rows[0] as { draft_id: string; round_id: string; slug: string; audit_before: string }) };
  }
}

export interface PageTiming {
  firstMs: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  bytes: number;
  unexpected: number;
}

async function measure(server: ServerProcess, pathname: string, cookie: string | undefined, seconds: number): Promise<PageTiming> {
  const headers: Record<string, string> = { "accept-encoding": "gzip, deflate, br", ...(cookie ? { cookie } : {}) };
  const started = performance.now();
  const first = await fetch(server.url + pathname, { headers, redirect: "manual" });
  const body = await first.arrayBuffer();
  const firstMs = Math.round((performance.now() - started) * 10) / 10;
  const result = await autocannon({ url: server.url + pathname, connections: 10, duration: seconds, headers });
  return {
    firstMs,
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    bytes: body.byteLength,
    unexpected: (first.status === 200 ? 0 : 1) + result.non2xx + result.errors + result.timeouts,
  };
}

async function runAtScale(factor: number, seconds: number, log: (line: string) => void) {
  const size = scaled(FULL, factor);
  log(`scale ${factor}: ${JSON.stringify(size)}`);
  const scratch = await scratchDatabase(`care_table_bench_large_${String(factor).replace(".", "_")}`);
  try {
    const ids = await buildRecord(scratch.url, size, log);
    const cookie = `care_session=${(await createSession(scratch.database.db, ids.convenerId)).token}`;
    // `npm run cli -- verify-audit` against the database: its time and its largest process's peak.
    const audit = cliPeak(["verify-audit"], { DATABASE_URL: scratch.url, LOG_LEVEL: "warn" });
    log(`  verify-audit: ${audit.ms} ms, peak ${audit.peakMb} MB: ${audit.output}`);
    const server = await startServerProcess({ env: { DATABASE_URL: scratch.url, LOG_LEVEL: "warn" }, nodeArgs: benchNodeArgs() });
    const pages: Record<string, PageTiming> = {};
    try {
      const list: [string, string, boolean][] = [
        ["/", "/", false],
        ["/members", "/members", false],
        ["/positions", "/positions", false],
        ["/positions?q=wheelchair", "/positions?q=wheelchair", false],
        ["/positions?q=wheelchair&page=2", "/positions?q=wheelchair&page=2", false],
        ["/positions?pillar=equity", "/positions?pillar=equity", false],
        ["/positions/:slug", `/positions/${ids.slug}`, false],
        ["/feed.atom", "/feed.atom", false],
        ["/sitemap.xml", "/sitemap.xml", false],
        ["/app (dashboard)", "/app", true],
        ["/app/proposals", "/app/proposals", true],
        ["/app/proposals?status=draft&pillar=access", "/app/proposals?status=draft&pillar=access", true],
        ["/app/proposals?q=wheelchair", "/app/proposals?q=wheelchair", true],
        ["/app/proposals/:id", `/app/proposals/${ids.draft_id}`, true],
        ["/app/proposals/:id/history", `/app/proposals/${ids.draft_id}/history`, true],
        ["/app/rounds/:id", `/app/rounds/${ids.round_id}`, true],
        ["/app/audit", "/app/audit", true],
        ["/app/audit?before=…", `/app/audit?before=${ids.audit_before}`, true],
        ["/app/positions", "/app/positions", true],
        ["/app/people", "/app/people", true],
        ["/app/inquiries", "/app/inquiries", true],
        ["/app/outbox", "/app/outbox", true],
      ];
      for (const [label, pathname, signedIn] of list) {
        pages[label] = await measure(server, pathname, signedIn ? cookie : undefined, seconds);
        const p = pages[label]!;
        log(
          `  ${label}: first ${p.firstMs} ms; ${p.rps}/s p50 ${p.p50Ms} ms p99 ${p.p99Ms} ms; ${p.bytes} bytes${p.unexpected ? `; ${p.unexpected} unexpected` : ""}`,
        );
      }
    } finally {
      await server.stop();
    }
    return { size, verifyAudit: audit, pages };
  } finally {
    // BENCH_KEEP_DATABASE=1 keeps the record for looking at it by hand (its address is printed).
    if (process.env.BENCH_KEEP_DATABASE) log(`  kept: ${scratch.url}`);
    else await scratch.drop();
  }
}

/**
 * The embedded default's resident memory (DESIGN.md §8): idle on an empty database, then with the
 * tenth of the record loaded (PGlite would take the full one for hours through one connection)
 * and every page above browsed 20 times.
 */
async function embeddedMemory(log: (line: string) => void) {
  const firstStart = newFolderPeak();
  log(`  embedded, a new database made and migrated (npm run cli -- migrate): ${firstStart.ms} ms, peak ${firstStart.peakMb} MB`);
  const idleEmpty = await emptyEmbeddedIdle();
  log(`  embedded, idle, empty: ${idleEmpty.soon} MB after 5 s, ${idleEmpty.settled} MB after 30 s`);
  const dataDir = temporaryDataDir("care-bench-memory-tenth-");
  try {
    const database = await openDatabase({ dataDir });
    await migrateDatabase(database, migrationsFolder);
    await seedCoalition(database.db, readCoalitionProfile());
    const client = database.pgliteClient!;
    const ids = await buildRecordWith((text, values = []) => client.query(text, values), scaled(FULL, 0.1), log);
    const cookie = `care_session=${(await createSession(database.db, ids.convenerId)).token}`;
    await database.close();
    const server = await startServerProcess({ dataDir, nodeArgs: benchNodeArgs() });
    try {
      await fetch(server.url + "/");
      await new Promise((r) => setTimeout(r, 3000));
      const idleLoaded = residentMb(server.child.pid!).rss;
      const pages = [
        "/",
        "/members",
        "/positions",
        "/positions?q=wheelchair&page=2",
        `/positions/${ids.slug}`,
        "/app",
        "/app/proposals",
        "/app/proposals?q=wheelchair",
        `/app/proposals/${ids.draft_id}`,
        `/app/proposals/${ids.draft_id}/history`,
        `/app/rounds/${ids.round_id}`,
        "/app/audit",
        `/app/audit?before=${ids.audit_before}`,
      ];
      const browsing = performance.now();
      for (let i = 0; i < 20; i++) {
        for (const p of pages) await (await fetch(server.url + p, { headers: { cookie, "accept-encoding": "br" } })).arrayBuffer();
      }
      // One request at a time: the embedded database's own speed, signed-in pages mostly.
      const browsingMs = Math.round(((performance.now() - browsing) / (20 * pages.length)) * 10) / 10;
      const browsed = await idleResident(server.child.pid!);
      log(
        `  embedded, tenth loaded: idle ${idleLoaded} MB; browsed (${browsingMs} ms a page, one at a time): ${browsed.soon} MB at 5 s, ${browsed.settled} MB at 30 s (peak ${browsed.peak} MB)`,
      );
      return {
        newFolderPeakMb: firstStart.peakMb,
        newFolderMs: firstStart.ms,
        idleEmptyMb: idleEmpty.soon,
        idleEmptySettledMb: idleEmpty.settled,
        tenthIdleMb: idleLoaded,
        tenthBrowsedMb: browsed.soon,
        tenthBrowsedSettledMb: browsed.settled,
        tenthPeakMb: browsed.peak,
        browsingMsPerPage: browsingMs,
      };
    } finally {
      await server.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runLargeRecordBench(options: { seconds?: number; log?: (line: string) => void } = {}) {
  const seconds = options.seconds ?? 3;
  const log = options.log ?? (() => {});
  const loadBefore = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const factors = (process.env.BENCH_SCALES ?? "0.1,1")
    .split(",")
    .map(Number)
    .filter((f) => f > 0);
  const results: Record<string, Awaited<ReturnType<typeof runAtScale>>> = {};
  for (const factor of factors) results[String(factor)] = await runAtScale(factor, seconds, log);
  const memory = process.env.BENCH_SKIP_MEMORY ? null : await embeddedMemory(log);
  const small = results["0.1"];
  const large = results["1"];
  const table: Record<string, { small: number; large: number; ratio: number }> = {};
  if (small && large) {
    log("| page | tenth: first, p99 (req/s) | full: first, p99 (req/s) | p99 ratio |");
    log("| --- | --- | --- | --- |");
    for (const label of Object.keys(large.pages)) {
      const a = small.pages[label]!;
      const b = large.pages[label]!;
      const ratio = Math.round((Math.max(b.p99Ms, 1) / Math.max(a.p99Ms, 1)) * 100) / 100;
      table[label] = { small: a.p99Ms, large: b.p99Ms, ratio };
      log(`| \`${label}\` | ${a.firstMs} ms, ${a.p99Ms} ms (${a.rps}) | ${b.firstMs} ms, ${b.p99Ms} ms (${b.rps}) | ${ratio} |`);
    }
    log(
      `| verify-audit | ${small.verifyAudit.ms} ms, ${small.verifyAudit.peakMb} MB | ${large.verifyAudit.ms} ms, ${large.verifyAudit.peakMb} MB | ${Math.round((large.verifyAudit.ms / small.verifyAudit.ms) * 100) / 100} (time) |`,
    );
  }
  return {
    loadAverage: { before: loadBefore, after: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    results,
    table,
    memory,
    // Idle is the process once V8 has given back what it grew at startup (30 s); the peak is the
    // highest the process ever held, browsing included.
    budgets: memory
      ? {
          idleEmpty: { mb: memory.idleEmptySettledMb, after5sMb: memory.idleEmptyMb, limit: 300 },
          browsed: { mb: memory.tenthPeakMb, limit: 500 },
        }
      : null,
  };
}
