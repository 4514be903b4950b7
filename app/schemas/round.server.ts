import { z } from "zod";
import { ballotOptions } from "../lib/round-outcome";
import { checkbox, multiLine, optionalMultiLine, singleLine, uuid } from "../lib/validation.server";

const localDateTime = (label: string) =>
  singleLine(label, 20).refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v), `Enter ${label.toLowerCase()} as a date and time.`);

export const openRoundSchema = z.object({
  deadline: localDateTime("Deadline"),
  quorum: singleLine("Quorum", 9).refine((v) => {
    const m = /^(\d{1,3})\s*\/\s*(\d{1,3})$/.exec(v);
    return Boolean(m) && Number(m![1]) >= 1 && Number(m![1]) <= Number(m![2]);
  }, "Write the quorum as a fraction of the roster, like 2/3 (at least 1/1 000, at most 1/1)."),
  thresholdPercent: z.coerce
    .number({ error: "Enter the support threshold as a whole percent." })
    .int("Enter the support threshold as a whole percent.")
    .min(1, "The support threshold is at least 1 %.")
    .max(100, "The support threshold is at most 100 %."),
  membersSeeAnswers: checkbox("Members see each other's answers"),
  instructions: optionalMultiLine("Instructions", 4000),
});

export function parseQuorum(quorum: string): { quorumNumerator: number; quorumDenominator: number } {
  const [n, d] = quorum.split("/").map((x) => Number(x.trim())) as [number, number];
  return { quorumNumerator: n, quorumDenominator: d };
}

const option = z.enum(ballotOptions, { error: "Choose one of the five answers." });

export const ballotSchema = z.object({
  intent: z.literal("cast"),
  option,
  reason: optionalMultiLine("Reason", 4000),
  passage: optionalMultiLine("Passage this is about", 1000),
  listPublicly: checkbox("List publicly"),
});

export const recordBallotSchema = z.object({
  intent: z.literal("record"),
  organizationId: uuid("Organization"),
  option,
  reason: optionalMultiLine("Reason", 4000),
  listPublicly: checkbox("List publicly"),
  note: multiLine("Note", 2000),
});

export const extendSchema = z.object({ intent: z.literal("extend"), deadline: localDateTime("New deadline") });
export const cancelSchema = z.object({ intent: z.literal("cancel"), cancelReason: multiLine("Reason for cancelling", 2000) });
export const closeSchema = z.object({ intent: z.literal("close") });
export const statementSchema = z.object({ intent: z.literal("statement"), statement: multiLine("Outcome statement", 8000) });
export const responseSchema = z.object({
  intent: z.literal("response"),
  organizationId: uuid("Organization"),
  response: multiLine("Response", 4000),
});
