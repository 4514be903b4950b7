import { type FieldMeta } from "../lib/use-form";
import { ballotOptionLabels, ballotOptionMeanings, ballotOptions } from "../lib/round-outcome";
import { RadioGroup } from "./fields";

const choices = ballotOptions.map((o) => ({ value: o, label: ballotOptionLabels[o], description: ballotOptionMeanings[o] }));

/**
 * The five answers as radio buttons, each named exactly as DESIGN.md §3 names it, with its meaning
 * as its description.
 */
export function BallotOptions({ meta, legend }: { meta: FieldMeta; legend: string }) {
  return <RadioGroup meta={meta} legend={legend} options={choices} />;
}
