import { afterAll, beforeAll, expect, it } from "vitest";
import { makeProposal } from "../../tests/support/collab";
import { createTestDatabase } from "../../tests/support/database";
import { makePerson } from "../../tests/support/factories";
import type { Database } from "../client";
import { recordProposalVisit } from "./proposal-documents";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const MINUTE = 60_000;
const state = (n: number) => new Uint8Array([n, n, n]);

it("tells what a look is compared with: the previous visit, looks closer than the gap being one visit", async () => {
  const db = database.db;
  const person = await makePerson(db);
  const other = await makePerson(db);
  const proposal = await makeProposal(db, { leadOrganizationId: person.organizationId!, createdById: person.id });
  const t0 = new Date("2026-03-01T09:00:00Z");
  const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
  const look = (who: string, n: number, minutes: number) => recordProposalVisit(db, proposal.id, who, state(n), at(minutes), 60 * MINUTE);

  // The first look has nothing to compare with, nor has a look soon after it (the same visit).
  expect(await look(person.id, 1, 0)).toBeNull();
  expect(await look(person.id, 2, 30)).toBeNull();
  // A look after the gap begins a new visit: compared with the last look of the one before.
  expect(await look(person.id, 3, 100)).toEqual({ state: state(2), at: at(30) });
  // Within that visit, the comparison stays the same.
  expect(await look(person.id, 4, 120)).toEqual({ state: state(2), at: at(30) });
  expect(await look(person.id, 5, 159)).toEqual({ state: state(2), at: at(30) });
  // Exactly the gap after the last look: a new visit again.
  expect(await look(person.id, 6, 219)).toEqual({ state: state(5), at: at(159) });
  // Each person's visits are their own.
  expect(await look(other.id, 9, 220)).toBeNull();
  expect(await look(other.id, 10, 400)).toEqual({ state: state(9), at: at(220) });
  expect(await look(person.id, 7, 221)).toEqual({ state: state(5), at: at(159) });
});
