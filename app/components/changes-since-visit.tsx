import { useRef, useState } from "react";
import { useHydrated } from "../lib/use-hydrated";

export interface SinceVisitChange {
  kind: "inserted" | "deleted";
  text: string;
  by: string | null;
  before: string;
  after: string;
}

/**
 * "Changes since you last looked": what changed in the text since the person's previous visit
 * and by whom (the server's record). A list that works without JavaScript; with it, **Previous
 * change** / **Next change** step through the list (focus moves to each change), and so do the
 * Up and Down arrow keys on a change.
 */
export function ChangesSinceVisit({ since, changes }: { since: string; changes: SinceVisitChange[] }) {
  const hydrated = useHydrated();
  const list = useRef<HTMLOListElement>(null);
  const [current, setCurrent] = useState(-1);
  const keys = (event: React.KeyboardEvent<HTMLOListElement>) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    step(event.key === "ArrowDown" ? 1 : -1);
  };
  const step = (by: 1 | -1) => {
    const next = current < 0 ? (by === 1 ? 0 : changes.length - 1) : (current + by + changes.length) % changes.length;
    setCurrent(next);
    list.current?.querySelectorAll<HTMLLIElement>(":scope > li")[next]?.focus();
  };
  const people = [...new Set(changes.map((c) => c.by ?? "someone not recorded"))];
  return (
    <section aria-labelledby="since-heading" className="since-visit">
      <h2 id="since-heading">Changes since you last looked</h2>
      {changes.length === 0 ? (
        <p>Nothing in the text changed since you last looked ({since}).</p>
      ) : (
        <>
          <p>
            Since you last looked ({since}): {changes.length} {changes.length === 1 ? "change" : "changes"} by {people.join(", ")}.
          </p>
          {hydrated ? (
            <div className="actions" role="group" aria-label="Step through the changes">
              <button type="button" className="secondary" onClick={() => step(-1)}>
                Previous change
              </button>
              <button type="button" className="secondary" onClick={() => step(1)}>
                Next change
              </button>
              {current >= 0 ? (
                <span role="status">
                  Change {current + 1} of {changes.length}
                </span>
              ) : null}
            </div>
          ) : null}
          {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- the arrow keys move between changes that Next/Previous focused */}
          <ol ref={list} className="since-changes" onKeyDown={hydrated ? keys : undefined}>
            {changes.map((c, i) => (
              <li key={i} tabIndex={-1} aria-current={i === current ? "true" : undefined}>
                <p>
                  <span className="visually-hidden">
                    Change {i + 1} of {changes.length}:{" "}
                  </span>
                  <strong>{c.kind === "inserted" ? "Added" : "Removed"}</strong> by {c.by ?? "someone (not recorded)"}:
                </p>
                <p className="diff since-change">
                  {c.before ? <span>…{c.before}</span> : null}
                  {c.kind === "inserted" ? (
                    <ins>
                      <span className="marker">[+</span>
                      <span className="visually-hidden"> added: </span>
                      {c.text}
                      <span className="marker">+]</span>
                    </ins>
                  ) : (
                    <del>
                      <span className="marker">[−</span>
                      <span className="visually-hidden"> removed: </span>
                      {c.text}
                      <span className="marker">−]</span>
                    </del>
                  )}
                  {c.after ? <span>{c.after}…</span> : null}
                </p>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
