import { describe, expect, it } from "vitest";
import { countOf } from "./plural";

describe("countOf", () => {
  it("agrees with the count", () => {
    expect(countOf(1, "person", "people")).toBe("1 person");
    expect(countOf(0, "person", "people")).toBe("0 people");
    expect(countOf(2, "organization", "organizations")).toBe("2 organizations");
  });
});
