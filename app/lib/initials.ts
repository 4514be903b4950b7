const SMALL_WORDS = new Set(["a", "an", "and", "at", "for", "in", "of", "on", "the", "to", "&"]);

/**
 * What an organization's badge says when it has no logo: its short name when it has one that fits
 * (up to 8 characters), otherwise the initials of its first three significant words ("United
 * Spinal Network" → "USN").
 */
export function badgeText(name: string, shortName = ""): string {
  const short = shortName.trim();
  if (short && short.length <= 8 && short !== name.trim()) return short;
  const words = name
    .split(/[\s\-–—/]+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ""))
    .filter((w) => w && !SMALL_WORDS.has(w.toLowerCase()));
  const letters = words
    .slice(0, 3)
    .map((w) => w[0]!.toLocaleUpperCase("en-US"))
    .join("");
  return letters || name.trim().slice(0, 2).toLocaleUpperCase("en-US");
}
