import { describe, expect, it } from "vitest";
import { badgeText } from "./initials";

describe("badgeText", () => {
  it("uses a short name that fits, else the initials of the first three significant words", () => {
    expect(badgeText("American Association of People with Disabilities", "AAPD")).toBe("AAPD");
    expect(badgeText("United Spinal Network")).toBe("USN");
    expect(badgeText("The Alliance for Patient Access and Fair Coverage")).toBe("APA");
    expect(badgeText("National Organization for Rare Disorders", "A name far too long")).toBe("NORD".slice(0, 3));
    expect(badgeText("Friends-of-Cancer Research")).toBe("FCR");
    expect(badgeText("Ökumenische Hilfe")).toBe("ÖH");
    expect(badgeText("   ")).toBe("");
  });
});
