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
