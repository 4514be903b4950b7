import type { AppLoadContext } from "@remix-run/node";
import { DEFAULT_TIME_ZONE, findCoalitionTimeZone } from "../../db/queries/coalition";
import type { SessionPerson } from "../../db/queries/sessions";

/** The reader's own time zone, else the coalition's. */
export async function readerTimeZone(context: Pick<AppLoadContext, "database">, person: Pick<SessionPerson, "timeZone">) {
  return person.timeZone ?? coalitionTimeZone(context);
}

/** The coalition's zone, by database: it is set when the coalition is seeded and never changed since. */
const seededZones = new WeakMap<object, string>();

/** The coalition's time zone, read once per process (the default until the coalition is seeded). */
export async function coalitionTimeZone(context: Pick<AppLoadContext, "database">) {
  const known = seededZones.get(context.database);
  if (known) return known;
  const zone = await findCoalitionTimeZone(context.database.db);
  if (zone) seededZones.set(context.database, zone);
  return zone ?? DEFAULT_TIME_ZONE;
}
