import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makeProposal } from "../../tests/support/collab";
import { createTestDatabase } from "../../tests/support/database";
import { makePerson } from "../../tests/support/factories";
import type { Database } from "../client";
import { proposalUpdates } from "../schema";
import { appendProposalUpdates, readProposalDocument } from "./proposal-documents";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

it("appends a batch to the log in the order given, every byte kept, with its author or none", async () => {
  const db = database.db;
  const person = await makePerson(db);
  const first = await makeProposal(db, { leadOrganizationId: person.organizationId!, createdById: person.id });
  const second = await makeProposal(db, { leadOrganizationId: person.organizationId!, createdById: person.id });
  // Every byte value, quotes and backslashes included; a view into a larger buffer; rows of two proposals interleaved.
  const everyByte = new Uint8Array(256).map((_, i) => i);
  const view = new Uint8Array([9, 9, 34, 92, 123, 125, 44, 9]).subarray(2, 7);
  const rows = [
    { proposalId: first.id, update: everyByte, authorId: person.id },
    { proposalId: second.id, update: view, authorId: null },
    { proposalId: first.id, update: new Uint8Array([1]), authorId: null },
    ...Array.from({ length: 600 }, (_, i) => ({ proposalId: second.id, update: new Uint8Array([i % 256, i >> 8]), authorId: person.id })),
    { proposalId: first.id, update: new Uint8Array([2]), authorId: person.id },
  ];
  await appendProposalUpdates(db, rows);

  const firstLog = await readProposalDocument(db, first.id);
  expect(firstLog.updates.map((r) => [...r.update])).toEqual([[...everyByte], [1], [2]]);
  const secondLog = await readProposalDocument(db, second.id);
  expect(secondLog.updates.map((r) => [...r.update])).toEqual([[34, 92, 123, 125, 44], ...rows.slice(3, 603).map((r) => [...r.update])]);
  // Ids follow the batch's order across proposals too: the log is the order updates were applied.
  const ids = [...firstLog.updates, ...secondLog.updates].map((r) => r.id).sort((a, b) => a - b);
  expect(firstLog.updates[1]!.id).toBe(ids[2]);
  expect(firstLog.updates[2]!.id).toBe(ids[ids.length - 1]);

  const authors = await db
    .select({ authorId: proposalUpdates.authorId })
    .from(proposalUpdates)
    .where(eq(proposalUpdates.proposalId, first.id))
    .orderBy(asc(proposalUpdates.id));
  expect(authors.map((r) => r.authorId)).toEqual([person.id, null, person.id]);
});
