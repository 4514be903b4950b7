import { z } from "zod";
import { multiLine, optionalSingleLine, singleLine, uuid } from "../lib/validation.server";

export const publishSchema = z.object({
  title: singleLine("Public title", 200),
  summary: multiLine("Plain-language summary", 2000, 20),
  releaseAt: optionalSingleLine("Release time", 20).refine(
    (v) => v === "" || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v),
    "Enter the release time as a date and time, or leave it empty to publish now.",
  ),
});

export const reviseSchema = z.object({
  intent: z.literal("revise"),
  title: singleLine("Public title", 200),
  summary: multiLine("Plain-language summary", 2000, 20),
});

export const withdrawSchema = z.object({ intent: z.literal("withdraw"), reason: multiLine("Reason for withdrawing", 2000) });
export const supersedeSchema = z.object({ intent: z.literal("supersede"), successorId: uuid("The newer position") });
