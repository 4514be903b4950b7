import type { FieldMetadata } from "@conform-to/react";
import { ballotOptionLabels, ballotOptionMeanings, ballotOptions } from "../lib/round-outcome";

/**
 * The five answers as radio buttons, each named exactly as DESIGN.md §3 names it, with its meaning
 * as its description.
 */
export function BallotOptions({
  meta,
  legend,
  current,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  meta: FieldMetadata<any, any, string[]>;
  legend: string;
  current?: string | null;
}) {
  const initial = typeof meta.initialValue === "string" ? meta.initialValue : (current ?? undefined);
  return (
    <fieldset
      id={meta.id}
      className="field"
      aria-invalid={meta.errors?.length ? true : undefined}
      aria-describedby={meta.errors?.length ? meta.errorId : undefined}
    >
      <legend>{legend}</legend>
      {ballotOptions.map((option) => (
        <div className="check" key={option}>
          <input
            type="radio"
            id={`${meta.id}-${option}`}
            name={meta.name}
            value={option}
            defaultChecked={initial === option}
            aria-describedby={`${meta.id}-${option}-meaning`}
          />
          <div>
            <label htmlFor={`${meta.id}-${option}`}>{ballotOptionLabels[option]}</label>
            <span className="hint" id={`${meta.id}-${option}-meaning`}>
              {ballotOptionMeanings[option]}
            </span>
          </div>
        </div>
      ))}
      {meta.errors?.length ? (
        <p className="field-error" id={meta.errorId}>
          {meta.errors.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
