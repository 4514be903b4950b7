import { useEffect, useState } from "react";
import { describeGrade, readingGradeTenths } from "../lib/reading-grade";

/**
 * The reading grade of the text in a field, updated while the convener types (announced politely
 * to screen readers); before hydration, the grade of the text the page was rendered with.
 */
export function ReadingGrade({ fieldId, initialText }: { fieldId: string; initialText: string }) {
  const [text, setText] = useState(initialText);
  useEffect(() => {
    const field = document.getElementById(fieldId) as HTMLTextAreaElement | null;
    if (!field) return;
    const update = () => setText(field.value);
    update();
    field.addEventListener("input", update);
    return () => field.removeEventListener("input", update);
  }, [fieldId]);
  return (
    <p className="hint" id={`${fieldId}-grade`} aria-live="polite">
      {describeGrade(readingGradeTenths(text))}
    </p>
  );
}
