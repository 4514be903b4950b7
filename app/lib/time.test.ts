import { describe, expect, it } from "vitest";
import { formatInstant } from "./time";

describe("times", () => {
  it("are written in the reader's zone with the zone named", () => {
    const at = new Date("2026-03-02T15:30:00Z");
    expect(formatInstant(at, "America/New_York")).toBe("Mar 2, 2026, 10:30 AM EST");
    expect(formatInstant(at, "America/Los_Angeles")).toBe("Mar 2, 2026, 7:30 AM PST");
    expect(formatInstant(at.toISOString(), "UTC")).toBe("Mar 2, 2026, 3:30 PM UTC");
  });
});

describe("wall-clock times typed in a zone", () => {
  it("become the right instant, in and out of daylight saving time", async () => {
    const { zonedLocalToInstant, instantToZonedLocal } = await import("./time");
    expect(zonedLocalToInstant("2026-12-01T17:00", "America/New_York")?.toISOString()).toBe("2026-12-01T22:00:00.000Z");
    expect(zonedLocalToInstant("2026-07-01T17:00", "America/New_York")?.toISOString()).toBe("2026-07-01T21:00:00.000Z");
    expect(zonedLocalToInstant("2026-07-01T17:00", "Asia/Kolkata")?.toISOString()).toBe("2026-07-01T11:30:00.000Z");
    expect(instantToZonedLocal(new Date("2026-12-01T22:00:00Z"), "America/New_York")).toBe("2026-12-01T17:00");
    expect(zonedLocalToInstant("2026-02-30T10:00", "UTC")).toBeNull();
    expect(zonedLocalToInstant("tomorrow", "UTC")).toBeNull();
  });
});
