export const pillarKeys = ["coverage", "access", "research", "equity"] as const;
export type PillarKey = (typeof pillarKeys)[number];

export const pillarNames: Record<PillarKey, string> = {
  coverage: "Coverage",
  access: "Access",
  research: "Research",
  equity: "Equity",
};
