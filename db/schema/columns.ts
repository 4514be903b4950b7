import { customType, timestamp, uuid } from "drizzle-orm/pg-core";

/** Primary key: a random UUID made by the database (gen_random_uuid exists in PostgreSQL 13+). */
export const id = () => uuid().primaryKey().defaultRandom();

/** A point in time, always with its zone. */
export const instant = () => timestamp({ withTimezone: true, mode: "date" });

export const createdAt = () => instant().notNull().defaultNow();

/**
 * drizzle-orm 0.45 has no bytea column. Drivers hand back Buffer (pg) or Uint8Array (PGlite):
 * both are normalised to a plain Uint8Array so callers never see the difference.
 */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array | Buffer }>({
  dataType: () => "bytea",
  toDriver: (value) => value,
  fromDriver: (value) =>
    value instanceof Uint8Array && value.constructor === Uint8Array
      ? value
      : new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});
