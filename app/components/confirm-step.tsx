import { Form } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { Confirmation } from "../lib/confirm";

/** The action data that asks first, when there is one. */
export function confirmationOf(data: unknown): Confirmation | null {
  return data && typeof data === "object" && "confirmation" in data ? (data as { confirmation: Confirmation }).confirmation : null;
}

/**
 * The confirmation of a step that cannot be undone, rendered by the server from the first post:
 * the consequence, **Yes, …** (the same post with confirm=yes) and a way back that changes nothing.
 * Its heading takes the focus, so a screen reader reads the question first.
 */
export function ConfirmStep({ confirmation, back }: { confirmation: Confirmation; back: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [confirmation]);
  return (
    <section className="notice warning confirm-step" aria-labelledby="confirm-heading">
      <h2 id="confirm-heading" tabIndex={-1} ref={heading}>
        {confirmation.question}
      </h2>
      <p>{confirmation.consequence}</p>
      <Form method="post" className="actions">
        {confirmation.fields.map(([name, value], i) => (
          <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" className="danger">
          {confirmation.yes}
        </button>
        <a href={back}>No, go back</a>
      </Form>
    </section>
  );
}
