/** Times are shown in the reader's zone, always with the zone written out. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Making a formatter costs far more than using one: one per style and zone, kept. */
function formatter(style: "instant" | "date", timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      "en-US",
      style === "date"
        ? { dateStyle: "long", timeZone }
        : { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone, timeZoneName: "short" },
    );
    formatters.set(key, f);
  }
  return f;
}

/** A moment in a zone, with the zone written out ("Mar 2, 2026, 10:30 AM EST"). */
export function formatInstant(value: Date | string, timeZone: string): string {
  return formatter("instant", timeZone).format(typeof value === "string" ? new Date(value) : value);
}

/** A calendar date in a zone ("November 28, 2026"). */
export function formatDate(value: Date, timeZone: string): string {
  return formatter("date", timeZone).format(value);
}

export function timeZoneOptions(): string[] {
  return Intl.supportedValuesOf("timeZone");
}

/** Wall-clock readers by zone, kept like the formatters above (a round page reads one each time). */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The offset of a zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  let wallClock = wallClocks.get(timeZone);
  if (!wallClock) {
    wallClock = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    wallClocks.set(timeZone, wallClock);
  }
  const parts = wallClock.formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * A wall-clock time typed in a zone ("2026-12-01T17:00", as a datetime-local field sends it) as an
 * instant; null when it is not such a time. Around a DST change the earlier reading wins.
 */
export function zonedLocalToInstant(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(wall).getUTCMonth() !== mo - 1 || new Date(wall).getUTCDate() !== d || h > 23 || mi > 59) return null;
  let guess = wall - zoneOffsetMs(wall, timeZone);
  // A second pass corrects a guess that landed on the other side of a DST change.
  guess = wall - zoneOffsetMs(guess, timeZone);
  return new Date(guess);
}

/** An instant as the datetime-local value of a zone ("2026-12-01T17:00"). */
export function instantToZonedLocal(instant: Date, timeZone: string): string {
  const local = new Date(instant.getTime() + zoneOffsetMs(instant.getTime(), timeZone));
  return local.toISOString().slice(0, 16);
}
