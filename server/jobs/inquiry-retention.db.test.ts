import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { createInquiry, updateInquiry } from "../../db/queries/inquiries";
import { auditEvents, coalition, inquiries, type InquiryStatus } from "../../db/schema";
import { createTestDatabase } from "../../tests/support/database";
import { createLogger } from "../logger";
import { deleteExpiredInquiries, monthsBefore, startInquiryRetention } from "./inquiry-retention";

describe("monthsBefore", () => {
  it("counts calendar months, on the last day of a shorter month", () => {
    expect(monthsBefore(new Date("2026-05-15T10:00:00Z"), 24).toISOString()).toBe("2024-05-15T10:00:00.000Z");
    expect(monthsBefore(new Date("2026-03-31T00:00:00Z"), 1).toISOString()).toBe("2026-02-28T00:00:00.000Z");
    expect(monthsBefore(new Date("2024-03-31T00:00:00Z"), 1).toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(monthsBefore(new Date("2026-01-10T00:00:00Z"), 13).toISOString()).toBe("2024-12-10T00:00:00.000Z");
  });
});

describe("deleting closed inquiries after the retention period", () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  async function inquiry(status: InquiryStatus, closedAt: Date | null, createdAt = new Date("2020-01-01T00:00:00Z")) {
    const row = await createInquiry(database.db, {
      name: "Someone",
      email: "someone@example.org",
      organizationName: "Some organization",
      organizationKind: "other",
      message: "Hello",
    });
    await updateInquiry(database.db, row.id, { status, closedAt });
    await database.db.update(inquiries).set({ createdAt }).where(eq(inquiries.id, row.id));
    return row.id;
  }

  it("deletes accepted and declined inquiries closed before the cutoff, keeps open and recent ones", async () => {
    const now = new Date("2026-06-15T12:00:00Z");
    await database.db.update(coalition).set({ inquiryRetentionMonths: 12 });
    const oldDeclined = await inquiry("declined", new Date("2025-06-14T12:00:00Z"));
    const oldAccepted = await inquiry("accepted", new Date("2024-01-01T00:00:00Z"));
    const recentDeclined = await inquiry("declined", new Date("2025-06-16T12:00:00Z"));
    const oldNew = await inquiry("new", null);
    const oldContacted = await inquiry("contacted", null);

    const result = await deleteExpiredInquiries(database.db, now);
    expect(result.deleted).toBe(2);
    expect(result.cutoff.toISOString()).toBe("2025-06-15T12:00:00.000Z");
    const left = await database.db
      .select({ id: inquiries.id })
      .from(inquiries)
      .where(inArray(inquiries.id, [oldDeclined, oldAccepted, recentDeclined, oldNew, oldContacted]));
    expect(left.map((r) => r.id).sort()).toEqual([recentDeclined, oldNew, oldContacted].sort());

    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "inquiry.deleted"));
    expect(event?.after).toMatchObject({ count: 2, retentionMonths: 12 });
    expect((event?.after as { ids: string[] }).ids.sort()).toEqual([oldDeclined, oldAccepted].sort());
    expect(JSON.stringify(event)).not.toContain("someone@example.org");

    // Nothing more to delete: no empty audit event.
    expect((await deleteExpiredInquiries(database.db, now)).deleted).toBe(0);
    expect(await database.db.select().from(auditEvents).where(eq(auditEvents.action, "inquiry.deleted"))).toHaveLength(1);
  });

  it("runs in the background and stops cleanly", async () => {
    await database.db.update(coalition).set({ inquiryRetentionMonths: 1 });
    const expired = await inquiry("declined", new Date(Date.now() - 90 * 24 * 3600 * 1000));
    const job = startInquiryRetention({ db: database.db, log: createLogger("silent"), firstRunMs: 0, intervalMs: 60_000 });
    for (let i = 0; i < 100; i++) {
      if ((await database.db.select().from(inquiries).where(eq(inquiries.id, expired))).length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await job.stop();
    expect(await database.db.select().from(inquiries).where(eq(inquiries.id, expired))).toEqual([]);
  });

  it("deletes and records once when several processes run it at the same moment", async () => {
    await database.db.update(coalition).set({ inquiryRetentionMonths: 1 });
    const expired: string[] = [];
    for (let i = 0; i < 5; i++) expired.push(await inquiry("declined", new Date(Date.now() - 90 * 24 * 3600 * 1000)));
    const before = (await database.db.select().from(auditEvents).where(eq(auditEvents.action, "inquiry.deleted"))).length;
    // Three runs at once (on PostgreSQL: three connections, as three processes would have).
    const results = await Promise.all([1, 2, 3].map(() => deleteExpiredInquiries(database.db)));
    expect(results.reduce((sum, r) => sum + r.deleted, 0)).toBe(expired.length);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "inquiry.deleted"));
    expect(events.length - before).toBe(results.filter((r) => r.deleted > 0).length);
    // Each deleted inquiry is named by exactly one audit event.
    const recorded = events.flatMap((e) => (e.after as { ids: string[] }).ids).filter((id) => expired.includes(id));
    expect(recorded.sort()).toEqual([...expired].sort());
  });
});
