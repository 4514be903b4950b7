/** Times are shown in the reader's zone, always with the zone written out. */
export function formatInstant(value: Date | string, timeZone: string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(date);
}

export function timeZoneOptions(): string[] {
  return Intl.supportedValuesOf("timeZone");
}
