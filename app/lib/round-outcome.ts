/**
 * The consensus rule (DESIGN.md §3), as one pure function of the roster, the ballots and the
 * rule. Whole numbers only: no floating point decides anything.
 */
export const ballotOptions = ["endorse", "endorse_with_reservations", "stand_aside", "object", "block"] as const;
export type BallotOption = (typeof ballotOptions)[number];

/** The words people see, exactly as DESIGN.md §3 names them. */
export const ballotOptionLabels: Record<BallotOption, string> = {
  endorse: "Endorse",
  endorse_with_reservations: "Endorse with reservations",
  stand_aside: "Stand aside",
  object: "Object",
  block: "Block",
};

export const ballotOptionMeanings: Record<BallotOption, string> = {
  endorse: "We support this text.",
  endorse_with_reservations: "We support it; our reservations are on record.",
  stand_aside: "We neither support nor oppose this text, for example because of a conflict of interest or because it is outside our work.",
  object: "We cannot support this text; we say what would need to change.",
  block:
    "Adopting this would harm the people we represent. One Block stops the text for every organization: it cannot be adopted in this round.",
};

/** Options that need a written reason. */
export const reasonRequired: ReadonlySet<BallotOption> = new Set(["endorse_with_reservations", "object", "block"]);
export const supportOptions: ReadonlySet<BallotOption> = new Set(["endorse", "endorse_with_reservations"]);
export const againstOptions: ReadonlySet<BallotOption> = new Set(["object", "block"]);

export type Outcome = "adopted" | "not_adopted" | "blocked" | "no_quorum";

export interface RoundRule {
  /** Quorum as a fraction n/d of the roster. */
  quorumNumerator: number;
  quorumDenominator: number;
  /** Support threshold, a whole percent. */
  thresholdPercent: number;
}

export const defaultRule: RoundRule = { quorumNumerator: 2, quorumDenominator: 3, thresholdPercent: 80 };

export interface RosterEntry {
  organizationId: string;
  name: string;
  /** Suspended during the round: stays on the roster, its ballot counts and no longer changes. */
  suspended?: boolean;
}

export interface BallotEntry {
  organizationId: string;
  option: BallotOption;
}

export interface Tally {
  rosterSize: number;
  answered: number;
  /** Ballots needed for quorum: the smallest B with B × d ≥ n × E. */
  quorumNeeded: number;
  support: number;
  against: number;
  standAside: number;
  blocks: number;
  /** Support share of (support + against), in tenths of a percent, cut (not rounded). */
  supportTenths: number | null;
}

export interface OutcomeResult {
  outcome: Outcome;
  tally: Tally;
  /** The explanation kept with the outcome, in numbers. */
  explanation: string;
}

export function quorumNeeded(rosterSize: number, rule: RoundRule): number {
  return Math.ceil((rule.quorumNumerator * rosterSize) / rule.quorumDenominator);
}

/** Ballots from organizations on the roster only, one per organization (the last one given). */
export function tally(roster: readonly RosterEntry[], ballots: readonly BallotEntry[], rule: RoundRule): Tally {
  const onRoster = new Set(roster.map((r) => r.organizationId));
  const byOrganization = new Map<string, BallotOption>();
  for (const b of ballots) if (onRoster.has(b.organizationId)) byOrganization.set(b.organizationId, b.option);
  let support = 0;
  let against = 0;
  let standAside = 0;
  let blocks = 0;
  for (const option of byOrganization.values()) {
    if (supportOptions.has(option)) support++;
    else if (againstOptions.has(option)) against++;
    else standAside++;
    if (option === "block") blocks++;
  }
  const decided = support + against;
  return {
    rosterSize: roster.length,
    answered: byOrganization.size,
    quorumNeeded: quorumNeeded(roster.length, rule),
    support,
    against,
    standAside,
    blocks,
    supportTenths: decided === 0 ? null : Math.floor((support * 1000) / decided),
  };
}

export function formatTenths(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10} %`;
}

/** The outcome of a closed round, with its explanation. */
export function computeOutcome(roster: readonly RosterEntry[], ballots: readonly BallotEntry[], rule: RoundRule): OutcomeResult {
  const t = tally(roster, ballots, rule);
  const { quorumNumerator: n, quorumDenominator: d, thresholdPercent } = rule;
  let outcome: Outcome;
  if (t.answered * d < n * t.rosterSize) outcome = "no_quorum";
  else if (t.blocks > 0) outcome = "blocked";
  else if (t.support > 0 && t.support * 100 >= thresholdPercent * (t.support + t.against)) outcome = "adopted";
  else outcome = "not_adopted";

  const parts = [
    `${t.answered} of ${t.rosterSize} organization${t.rosterSize === 1 ? "" : "s"} answered, quorum ${t.quorumNeeded}` +
      (outcome === "no_quorum" ? " not reached" : ""),
  ];
  if (t.supportTenths === null) {
    parts.push(`no organization supported or opposed the text${t.standAside ? ` (${t.standAside} stood aside)` : ""}`);
  } else {
    const meets = t.support * 100 >= thresholdPercent * (t.support + t.against);
    parts.push(
      `support ${t.support} of ${t.support + t.against} = ${formatTenths(t.supportTenths)} ${meets ? "≥" : "<"} ${thresholdPercent} %` +
        (t.standAside ? ` (${t.standAside} stood aside)` : ""),
    );
  }
  parts.push(t.blocks === 0 ? "no block" : `${t.blocks} block${t.blocks === 1 ? "" : "s"}`);
  const suspended = roster.filter((r) => r.suspended);
  if (suspended.length > 0) {
    parts.push(
      `suspended during the round, still on the roster: ${suspended.map((s) => s.name).join(", ")}` +
        " (a ballot cast before the suspension counts)",
    );
  }
  return { outcome, tally: t, explanation: parts.join("; ") };
}

/** What is still needed while the round is open, in words. */
export function stillNeeded(t: Tally): string {
  const missing = t.quorumNeeded - t.answered;
  if (missing > 0) {
    return `${missing} more organization${missing === 1 ? "" : "s"} must answer to reach quorum (${t.quorumNeeded} of ${t.rosterSize}).`;
  }
  return `Quorum is reached (${t.answered} of ${t.rosterSize} answered; ${t.quorumNeeded} needed).`;
}

/** The rule in plain words, as shown to voters. */
export function ruleInWords(rule: RoundRule, rosterSize: number): string {
  const q = quorumNeeded(rosterSize, rule);
  return [
    `Each of the ${rosterSize} organizations on the roster has one ballot.`,
    `At least ${q} of them (${rule.quorumNumerator}/${rule.quorumDenominator}) must answer, or there is no decision.`,
    "Any Block stops the text.",
    `Otherwise the text is adopted when at least ${rule.thresholdPercent} % of the organizations that endorsed or objected endorsed it (with or without reservations).`,
    "Standing aside counts toward the quorum but neither for nor against. Silence never counts as support.",
  ].join(" ");
}

/** The reason field's label for the chosen answer: says when the reason is required. */
export const reasonLabels: Record<BallotOption, string> = {
  endorse: "Comment (optional)",
  endorse_with_reservations: "Your reservations (required)",
  stand_aside: "Comment (optional)",
  object: "What would need to change (required)",
  block: "Why this would harm the people you represent (required)",
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The round's state in one plain sentence. While it is open: what is still missing for a
 * decision; `withAnswers` false (members who may not see the others' answers yet) leaves support
 * and blocks out. After the close: the outcome, in the same voice.
 */
export function statusSentence(
  t: Tally,
  rule: RoundRule,
  state: { status: "open" | "closed" | "cancelled"; outcome: Outcome | null; withAnswers: boolean },
): string {
  const missing = t.quorumNeeded - t.answered;
  const answers =
    state.status === "open"
      ? missing > 0
        ? `${plural(missing, "more organization")} must answer to reach the quorum of ${t.quorumNeeded}.`
        : `the quorum of ${t.quorumNeeded} is reached (${t.answered} of ${t.rosterSize} organizations have answered).`
      : `${t.answered} of ${t.rosterSize} organizations answered; the quorum was ${t.quorumNeeded}.`;
  const verb = state.status === "open" ? "is" : "was";
  const support =
    t.supportTenths === null
      ? state.status === "open"
        ? `No organization has endorsed or objected yet; ${rule.thresholdPercent} % support is needed.`
        : `No organization endorsed or objected; ${rule.thresholdPercent} % support was needed.`
      : `Support ${state.status === "open" ? "so far " : ""}${t.support} of ${t.support + t.against} (${formatTenths(t.supportTenths)}); ${rule.thresholdPercent} % ${verb} needed.`;
  const blocks = t.blocks === 0 ? "No block." : `${plural(t.blocks, "Block")}: one Block stops the text.`;
  if (state.status === "cancelled") return `Cancelled: there is no outcome. ${t.answered} of ${t.rosterSize} organizations had answered.`;
  if (state.status === "open") {
    if (!state.withAnswers) return `Not decided yet: ${answers} The answers are shown after the close.`;
    return `Not decided yet: ${answers} ${support} ${blocks}`;
  }
  const head = { adopted: "Adopted", not_adopted: "Not adopted", blocked: "Blocked", no_quorum: "No decision (no quorum)" }[
    state.outcome ?? "no_quorum"
  ];
  return `${head}: ${answers} ${support} ${blocks}`;
}

/** How far away an instant is, in the largest whole unit ("in 7 days", "in 3 hours"); "now" when past. */
export function timeUntil(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes <= 0) return "now";
  if (minutes < 60) return `in ${plural(minutes, "minute")}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${plural(hours, "hour")}`;
  return `in ${plural(Math.floor(hours / 24), "day")}`;
}
