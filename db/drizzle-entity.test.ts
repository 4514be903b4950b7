import { Column, entityKind, is, SQL, sql, Table } from "drizzle-orm";
import { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { proposals } from "./schema";

/**
 * Drizzle's `is()` as patched (patches/drizzle-orm+0.45.4.patch, docs/decisions/099): the kinds
 * along a class's chain are gathered once per class. Each check runs twice, so the answer from the
 * gathered kinds is checked as well as the first one.
 */
const twice = (value: unknown, type: Parameters<typeof is>[1]) => [is(value, type), is(value, type)];

describe("drizzle's is()", () => {
  it("answers for the schema's tables, columns and statements as drizzle does", () => {
    expect(twice(proposals, Table)).toEqual([true, true]);
    expect(twice(proposals, PgTable)).toEqual([true, true]);
    expect(twice(proposals.id, Column)).toEqual([true, true]);
    expect(twice(proposals.id, PgColumn)).toEqual([true, true]);
    expect(twice(proposals.id, Table)).toEqual([false, false]);
    expect(twice(sql`select 1`, SQL)).toEqual([true, true]);
    expect(twice(sql`select 1`, Column)).toEqual([false, false]);
    for (const plain of [null, undefined, 0, "SQL", {}, [], new Date()]) expect(twice(plain, SQL)).toEqual([false, false]);
  });

  it("recognizes an entity of another copy of drizzle by its kind, and its subclasses, but no other kind", () => {
    // A class of a second copy of drizzle: the same kind, not the same class (instanceof fails).
    class OtherCopySQL {
      static readonly [entityKind] = SQL[entityKind];
    }
    class Subclass extends OtherCopySQL {}
    class Unrelated {
      static readonly [entityKind] = "NotSQL";
    }
    expect(twice(new OtherCopySQL(), SQL)).toEqual([true, true]);
    expect(twice(new Subclass(), SQL)).toEqual([true, true]);
    expect(twice(new Subclass(), Column)).toEqual([false, false]);
    expect(twice(new Unrelated(), SQL)).toEqual([false, false]);
  });

  it("says a value without a prototype is no entity (drizzle 0.45 threw a TypeError on it)", () => {
    expect(twice(Object.create(null), SQL)).toEqual([false, false]);
  });

  it("still refuses a type that is not a drizzle entity", () => {
    class NotAnEntity {}
    expect(() => is({}, NotAnEntity as unknown as typeof SQL)).toThrow(/doesn't look like a Drizzle entity/);
  });
});
