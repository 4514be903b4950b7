import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../tests/support/database";
import type { Database } from "../client";
import { auditEvents } from "../schema";
import { AUDIT_GENESIS_HASH, recordAudit, verifyAuditChain } from "./audit";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe("the audit trail", () => {
  it("chains every event to the one before, also under concurrent appends", async () => {
    const db = database.db;
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        db.transaction((tx) =>
          recordAudit(tx, {
            actorId: null,
            action: "test.event",
            subjectType: "test",
            subjectId: String(i),
            after: { i, nested: { b: 1, a: [1, 2] } },
          }),
        ),
      ),
    );
    const result = await verifyAuditChain(db, 7);
    expect(result).toMatchObject({ ok: true });
    expect(result.count).toBeGreaterThanOrEqual(25);
    const rows = await db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows[0]!.prevHash).toBe(AUDIT_GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
  });

  it("cannot be updated, deleted or truncated by the application", async () => {
    const db = database.db;
    await recordAudit(db, { actorId: null, action: "test.keep", subjectType: "test" });
    await expect(db.execute(sql`update audit_events set action = 'changed'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_events`)).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("names the first event a superuser altered behind the application's back", async () => {
    const db = database.db;
    await recordAudit(db, { actorId: null, action: "test.before", subjectType: "test" });
    await recordAudit(db, { actorId: null, action: "test.victim", subjectType: "test", after: { amount: 1 } });
    await recordAudit(db, { actorId: null, action: "test.after", subjectType: "test" });
    const [victim] = await db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.action} = 'test.victim'`);
    // A superuser can switch the triggers off for a session; the hash chain still tells.
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`update audit_events set after = '{"amount": 1000}'::jsonb where seq = ${victim!.seq}`);
    });
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: false, brokenSeq: victim!.seq, reason: expect.stringContaining("content") });
  });
});
