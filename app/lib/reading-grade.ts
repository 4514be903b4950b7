import { syllable } from "syllable";

/*
 * The Flesch–Kincaid grade exactly as text-readability 1.1.1 computes it (its fleschKincaidGrade,
 * with its punctuation, word and sentence rules and its rounding), on the same syllable counter:
 * that package also bundles a 9 KB word list for other formulas, which the browser does not need.
 * reading-grade.test.ts checks both give the same grade.
 */
const PUNCTUATION = /[\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,\-./:;<=>?@[\]^_`{|}~]/g;

function legacyRound(value: number, points: number): number {
  const p = 10 ** points;
  // text-readability's copySign(0.5, value): NaN for an infinite value, as there.
  const half = value === 0 ? 0 : 0.5 * (value / Math.abs(value));
  return Math.floor(value * p + half) / p;
}

function lexiconCount(text: string): number {
  return text
    .replace(PUNCTUATION, "")
    .split(/,| |\n|\r/g)
    .filter(Boolean).length;
}

function sentenceCount(text: string): number {
  const sentences = text.split(/ *[.?!]['")\]]*[ |\n](?=[A-Z])/g);
  const valid = sentences.length - sentences.filter((s) => lexiconCount(s) <= 2).length;
  return valid > 1 ? valid : 1;
}

function fleschKincaidGrade(text: string): number {
  const sentenceLength = legacyRound(lexiconCount(text) / sentenceCount(text), 1);
  const lower = text.toLocaleLowerCase("en-US").replace(PUNCTUATION, "");
  const syllables = lower ? syllable(lower) : 0;
  const perWord = legacyRound(syllables / lexiconCount(text), 1);
  return legacyRound(0.39 * (Number.isNaN(sentenceLength) ? 0 : sentenceLength) + 11.8 * (Number.isNaN(perWord) ? 0 : perWord) - 15.59, 1);
}

/**
 * The Flesch–Kincaid grade of a text, in tenths, never below zero; null for a text too short to
 * grade. Used on the server (stored with the position) and in the browser (shown while the
 * convener types).
 */
export function readingGradeTenths(text: string): number | null {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  if (words < 3) return null;
  const grade = fleschKincaidGrade(text);
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

/** "Grade 34: very hard. Aim for 8 or below." — a whole grade, a word, and the aim. */
export function describeGrade(tenths: number | null): string {
  if (tenths === null) return "Write a few sentences to see the reading grade.";
  const grade = Math.round(tenths / 10);
  return grade <= 8
    ? `Grade ${grade}: ${gradeWord(grade)}. At or below grade 8, as aimed for.`
    : `Grade ${grade}: ${gradeWord(grade)}. Aim for 8 or below.`;
}
