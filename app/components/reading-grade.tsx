import { useEffect, useState } from "react";

/** Where the page asks for the grade of a text (app/routes/app.reading-grade.ts). */
export const READING_GRADE_PATH = "/app/reading-grade";

/**
 * The reading grade of the text in a field, as the server grades it (the grade stored with the
 * position): rendered with the page for the text it starts with, then asked of the server a moment
 * after the convener stops typing, and announced politely to screen readers.
 */
export function ReadingGrade({ fieldId, initialGrade }: { fieldId: string; initialGrade: string }) {
  const [grade, setGrade] = useState(initialGrade);
  useEffect(() => {
    const field = document.getElementById(fieldId) as HTMLTextAreaElement | null;
    if (!field) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let request: AbortController | undefined;
    const update = () => {
      clearTimeout(timer);
      // A pause in the typing, not every key, asks the server; an answer overtaken by newer typing is dropped.
      timer = setTimeout(() => {
        request?.abort();
        const current = new AbortController();
        request = current;
        fetch(READING_GRADE_PATH, { method: "POST", body: new URLSearchParams({ text: field.value }), signal: current.signal })
          .then((response) => (response.ok ? (response.json() as Promise<{ grade: string }>) : null))
          .then((answer) => {
            if (answer && !current.signal.aborted) setGrade(answer.grade);
          })
          // Offline or overtaken: the last grade stays until the next answer.
          .catch(() => {});
      }, 300);
    };
    // The browser may have put back text typed before a reload.
    if (field.value !== field.defaultValue) update();
    field.addEventListener("input", update);
    return () => {
      clearTimeout(timer);
      request?.abort();
      field.removeEventListener("input", update);
    };
  }, [fieldId]);
  return (
    <p className="hint" id={`${fieldId}-grade`} aria-live="polite">
      {grade}
    </p>
  );
}
