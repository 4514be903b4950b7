import { describe, expect, it } from "vitest";
import { toCsv } from "./csv.server";

describe("CSV export", () => {
  it("keeps formulas as text and quotes what needs quoting", () => {
    const csv = toCsv(
      ["a", "b"],
      [
        ['=HYPERLINK("x")', "plain"],
        ["+1", "-2"],
        ["@SUM(A1)", 'comma, and "quotes"'],
      ],
    );
    expect(csv).toBe('a,b\r\n"\'=HYPERLINK(""x"")",plain\r\n\'+1,\'-2\r\n\'@SUM(A1),"comma, and ""quotes"""\r\n');
  });
});
