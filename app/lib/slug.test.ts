import { describe, expect, it } from "vitest";
import { slugify } from "./slug";

describe("slugs", () => {
  it.each([
    ["Coverage for Prosthetic Care", "coverage-for-prosthetic-care"],
    ["Équité & accès: 2027!", "equite-and-acces-2027"],
    ["   ", "position"],
    ["<script>alert(1)</script>", "script-alert-1-script"],
  ])("%j → %j", (title, slug) => expect(slugify(title)).toBe(slug));

  it("cuts long titles at a word", () => {
    const slug = slugify("Timely access to diagnostics and therapies for rare diseases in every state of the union and its territories");
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith("-")).toBe(false);
    expect(slug.startsWith("timely-access-to-diagnostics")).toBe(true);
  });
});
