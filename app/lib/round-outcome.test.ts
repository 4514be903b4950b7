import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ballotOptions,
  computeOutcome,
  defaultRule,
  quorumNeeded,
  ruleInWords,
  stillNeeded,
  tally,
  type BallotEntry,
  type BallotOption,
  type RosterEntry,
  type RoundRule,
} from "./round-outcome";

const roster = (n: number): RosterEntry[] => Array.from({ length: n }, (_, i) => ({ organizationId: `o${i}`, name: `Org ${i}` }));
const ballots = (...options: BallotOption[]): BallotEntry[] => options.map((option, i) => ({ organizationId: `o${i}`, option }));
const repeat = (option: BallotOption, n: number): BallotOption[] => Array.from({ length: n }, () => option);

describe("the rule's edges", () => {
  it("quorum 2/3 of 12 is 8", () => {
    expect(quorumNeeded(12, defaultRule)).toBe(8);
    expect(computeOutcome(roster(12), ballots(...repeat("endorse", 7)), defaultRule).outcome).toBe("no_quorum");
    expect(computeOutcome(roster(12), ballots(...repeat("endorse", 8)), defaultRule).outcome).toBe("adopted");
  });

  it("79.9 % against an 80 % threshold is not adopted and does not show as 80 %", () => {
    // 799 support, 201 against: 79.9 %.
    const result = computeOutcome(roster(1000), ballots(...repeat("endorse", 799), ...repeat("object", 201)), defaultRule);
    expect(result.outcome).toBe("not_adopted");
    expect(result.explanation).toContain("support 799 of 1000 = 79.9 % < 80 %");
    expect(result.explanation).not.toContain("80.0 %");
  });

  it("cuts, never rounds: 8 of 9 is 88.8 %", () => {
    const result = computeOutcome(roster(12), ballots(...repeat("endorse", 8), "object"), defaultRule);
    expect(result.outcome).toBe("adopted");
    expect(result.explanation).toBe("9 of 12 organizations answered, quorum 8; support 8 of 9 = 88.8 % ≥ 80 %; no block");
  });

  it("exactly the threshold adopts", () => {
    expect(computeOutcome(roster(5), ballots("endorse", "endorse", "endorse", "endorse", "object"), defaultRule).outcome).toBe("adopted");
  });

  it("reports a Block also when quorum failed", () => {
    const result = computeOutcome(roster(12), ballots("block", "endorse"), defaultRule);
    expect(result.outcome).toBe("no_quorum");
    expect(result.explanation).toContain("1 block");
    expect(result.explanation).toContain("quorum 8 not reached");
  });

  it("a Block stops the text once quorum is met", () => {
    expect(computeOutcome(roster(3), ballots("endorse", "endorse", "block"), defaultRule).outcome).toBe("blocked");
  });

  it("only stand-asides is not adopted (support must be above zero)", () => {
    const result = computeOutcome(roster(3), ballots("stand_aside", "stand_aside", "stand_aside"), defaultRule);
    expect(result.outcome).toBe("not_adopted");
    expect(result.explanation).toContain("no organization supported or opposed the text (3 stood aside)");
  });

  it("an empty roster has no quorum to reach (opening refuses it before this)", () => {
    expect(computeOutcome([], [], defaultRule).outcome).toBe("not_adopted");
  });

  it("ignores ballots of organizations not on the roster", () => {
    const result = computeOutcome(roster(3), [...ballots("endorse"), { organizationId: "stranger", option: "block" }], defaultRule);
    expect(result.tally.answered).toBe(1);
    expect(result.tally.blocks).toBe(0);
  });

  it("says when a suspended organization is on the roster", () => {
    const r = roster(3);
    r[1]!.suspended = true;
    expect(computeOutcome(r, ballots("endorse", "endorse", "endorse"), defaultRule).explanation).toContain(
      "suspended during the round, still on the roster: Org 1",
    );
  });

  it("says what is still needed", () => {
    expect(stillNeeded(tally(roster(12), ballots("endorse", "object", "stand_aside", "endorse", "endorse"), defaultRule))).toBe(
      "3 more organizations must answer to reach quorum (8 of 12).",
    );
    expect(stillNeeded(tally(roster(3), ballots("endorse", "object"), defaultRule))).toMatch(/^Quorum is reached/);
  });

  it("puts the rule in plain words", () => {
    expect(ruleInWords(defaultRule, 12)).toContain("At least 8 of them (2/3) must answer");
    expect(ruleInWords(defaultRule, 12)).toContain("at least 80 %");
  });
});

describe("every small case against a direct reading of DESIGN.md §3", () => {
  it("agrees on every combination of up to 4 organizations, 3 quorums and 3 thresholds", () => {
    const rules: RoundRule[] = [
      defaultRule,
      { quorumNumerator: 1, quorumDenominator: 2, thresholdPercent: 50 },
      { quorumNumerator: 1, quorumDenominator: 1, thresholdPercent: 100 },
    ];
    const answers: (BallotOption | null)[] = [null, ...ballotOptions];
    let cases = 0;
    for (let size = 1; size <= 4; size++) {
      const total = answers.length ** size;
      for (let code = 0; code < total; code++) {
        const chosen: BallotEntry[] = [];
        let c = code;
        for (let i = 0; i < size; i++) {
          const a = answers[c % answers.length]!;
          c = Math.floor(c / answers.length);
          if (a) chosen.push({ organizationId: `o${i}`, option: a });
        }
        for (const rule of rules) {
          const E = size;
          const B = chosen.length;
          const S = chosen.filter((b) => b.option === "endorse" || b.option === "endorse_with_reservations").length;
          const A = chosen.filter((b) => b.option === "object" || b.option === "block").length;
          const anyBlock = chosen.some((b) => b.option === "block");
          const expected =
            B * rule.quorumDenominator < rule.quorumNumerator * E
              ? "no_quorum"
              : anyBlock
                ? "blocked"
                : S * 100 >= rule.thresholdPercent * (S + A) && S > 0
                  ? "adopted"
                  : "not_adopted";
          expect(computeOutcome(roster(size), chosen, rule).outcome).toBe(expected);
          cases++;
        }
      }
    }
    expect(cases).toBe(3 * (6 + 36 + 216 + 1296));
  });
});

const ruleArb = fc
  .record({ d: fc.integer({ min: 1, max: 10 }), n: fc.integer({ min: 0, max: 10 }), t: fc.integer({ min: 1, max: 100 }) })
  .filter(({ n, d }) => n <= d)
  .map(({ n, d, t }): RoundRule => ({ quorumNumerator: n, quorumDenominator: d, thresholdPercent: t }));

const roundArb = fc
  .integer({ min: 1, max: 30 })
  .chain((size) =>
    fc.tuple(
      fc.constant(size),
      fc.array(fc.option(fc.constantFrom(...ballotOptions), { nil: null }), { minLength: size, maxLength: size }),
      ruleArb,
    ),
  );

function toBallots(answers: (BallotOption | null)[]): BallotEntry[] {
  return answers.flatMap((a, i) => (a ? [{ organizationId: `o${i}`, option: a }] : []));
}

describe("properties", () => {
  it("adding an Endorse never turns adopted into anything else", () => {
    fc.assert(
      fc.property(roundArb, ([size, answers, rule]) => {
        const before = computeOutcome(roster(size), toBallots(answers), rule);
        const silent = answers.findIndex((a) => a === null);
        fc.pre(before.outcome === "adopted" && silent >= 0);
        const after = [...answers];
        after[silent] = "endorse";
        expect(computeOutcome(roster(size), toBallots(after), rule).outcome).toBe("adopted");
      }),
    );
  });

  it("any Block gives blocked once quorum is met", () => {
    fc.assert(
      fc.property(roundArb, ([size, answers, rule]) => {
        const result = computeOutcome(roster(size), toBallots(answers), rule);
        if (result.tally.answered * rule.quorumDenominator >= rule.quorumNumerator * size && answers.includes("block")) {
          expect(result.outcome).toBe("blocked");
        }
      }),
    );
  });

  it("silence never counts as support", () => {
    fc.assert(
      fc.property(roundArb, ([size, answers, rule]) => {
        const result = computeOutcome(roster(size), toBallots(answers), rule);
        expect(result.tally.support).toBe(answers.filter((a) => a === "endorse" || a === "endorse_with_reservations").length);
        // Making a silent organization stand aside never turns a decision into adoption by itself
        // unless quorum was the only thing missing.
        if (result.outcome === "not_adopted" || result.outcome === "blocked") {
          const more = answers.map((a) => a ?? "stand_aside");
          expect(computeOutcome(roster(size), toBallots(more), rule).outcome).toBe(result.outcome);
        }
      }),
    );
  });

  it("the percentage shown never exceeds the true share", () => {
    fc.assert(
      fc.property(roundArb, ([size, answers, rule]) => {
        const t = computeOutcome(roster(size), toBallots(answers), rule).tally;
        if (t.supportTenths !== null) {
          expect(t.supportTenths * (t.support + t.against)).toBeLessThanOrEqual(t.support * 1000);
          expect((t.supportTenths + 1) * (t.support + t.against)).toBeGreaterThan(t.support * 1000);
        }
      }),
    );
  });

  it("blocks are always reported in the explanation", () => {
    fc.assert(
      fc.property(roundArb, ([size, answers, rule]) => {
        const blocks = answers.filter((a) => a === "block").length;
        const { explanation } = computeOutcome(roster(size), toBallots(answers), rule);
        expect(explanation).toContain(blocks === 0 ? "no block" : `${blocks} block`);
      }),
    );
  });
});
