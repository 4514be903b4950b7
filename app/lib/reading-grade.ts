import readability from "text-readability";

/**
 * The Flesch–Kincaid grade of a text (text-readability), in tenths, never below zero; null for
 * a text too short to grade. Used on the server (stored with the position) and in the browser
 * (shown while the convener types).
 */
export function readingGradeTenths(text: string): number | null {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  if (words < 3) return null;
  const grade = readability.fleschKincaidGrade(text);
  return Number.isFinite(grade) ? Math.max(0, Math.round(grade * 10)) : null;
}

export function describeGrade(tenths: number | null): string {
  if (tenths === null) return "Write a few sentences to see the reading grade.";
  const grade = (tenths / 10).toFixed(1);
  return tenths <= 80
    ? `Reading grade ${grade}: at or below grade 8, as aimed for.`
    : `Reading grade ${grade}: above grade 8. Shorter sentences and everyday words bring it down.`;
}
