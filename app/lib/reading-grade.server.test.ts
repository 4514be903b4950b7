import { describe, expect, it } from "vitest";
import { describeGrade, readingGradeTenths } from "./reading-grade.server";

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
    expect(describeGrade(plain)).toMatch(/^Grade [0-8]: (easy|plain)\. At or below grade 8, as aimed for\.$/);
    expect(describeGrade(dense)).toMatch(/^Grade \d+: (hard|very hard)\. Aim for 8 or below\.$/);
  });

  it("shows a whole grade with a word", () => {
    expect(describeGrade(336)).toBe("Grade 34: very hard. Aim for 8 or below.");
    expect(describeGrade(84)).toBe("Grade 8: plain. At or below grade 8, as aimed for.");
    expect(describeGrade(85)).toBe("Grade 9: fairly hard. Aim for 8 or below.");
    expect(describeGrade(41)).toBe("Grade 4: easy. At or below grade 8, as aimed for.");
    expect(describeGrade(140)).toBe("Grade 14: hard. Aim for 8 or below.");
  });

  it("does not grade a text too short to grade", () => {
    expect(readingGradeTenths("Hello")).toBeNull();
    expect(describeGrade(null)).toContain("Write a few sentences");
  });
});
