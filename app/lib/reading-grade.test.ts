import { describe, expect, it } from "vitest";
import { describeGrade, readingGradeTenths } from "./reading-grade";

describe("reading grade", () => {
  it("is low for plain words and short sentences, high for long ones", () => {
    const plain = readingGradeTenths(
      "We want people to get the care they need. Care should not cost too much. Wait times should be short.",
    )!;
    const dense = readingGradeTenths(
      "Notwithstanding considerable heterogeneity in reimbursement methodologies, comprehensive coverage determinations should incorporate multidisciplinary rehabilitative interventions, prosthetic componentry, and longitudinal psychosocial supports.",
    )!;
    expect(plain).toBeLessThanOrEqual(80);
    expect(dense).toBeGreaterThan(120);
    expect(describeGrade(plain)).toContain("at or below grade 8");
    expect(describeGrade(dense)).toContain("above grade 8");
  });

  it("does not grade a text too short to grade", () => {
    expect(readingGradeTenths("Hello")).toBeNull();
    expect(describeGrade(null)).toContain("Write a few sentences");
  });
});
