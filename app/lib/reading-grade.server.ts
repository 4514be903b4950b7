import readability from "text-readability";

/**
 * The Flesch–Kincaid grade of a text (text-readability), in tenths, never below zero; null for
 * a text too short to grade. Only on the server: stored with the position, and shown while the
 * convener types by asking /app/reading-grade (text-readability stays out of the browser).
 */
export function readingGradeTenths(text: string): number | null {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  if (words < 3) return null;
  const grade = readability.fleschKincaidGrade(text);
  return Number.isFinite(grade) ? Math.max(0, Math.round(grade * 10)) : null;
}

/** A whole grade in a word: what a reader would feel. */
function gradeWord(grade: number): string {
  if (grade <= 6) return "easy";
  if (grade <= 8) return "plain";
  if (grade <= 12) return "fairly hard";
  if (grade <= 16) return "hard";
  return "very hard";
}

/** What the page shows for a text: the grade in words, or what to do to get one. */
export function describeReadingGrade(text: string): string {
  return describeGrade(readingGradeTenths(text));
}

/** "Grade 34: very hard. Aim for 8 or below." — a whole grade, a word, and the aim. */
export function describeGrade(tenths: number | null): string {
  if (tenths === null) return "Write a few sentences to see the reading grade.";
  const grade = Math.round(tenths / 10);
  return grade <= 8
    ? `Grade ${grade}: ${gradeWord(grade)}. At or below grade 8, as aimed for.`
    : `Grade ${grade}: ${gradeWord(grade)}. Aim for 8 or below.`;
}
