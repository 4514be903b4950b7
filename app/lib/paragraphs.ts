/**
 * Site text is plain paragraphs: a blank line starts a new paragraph, a single line break is a
 * space (text pasted from a word processor keeps reading as one paragraph). Never HTML: React
 * renders each paragraph as text, so `<`, `&` and friends show as typed.
 */
export function toParagraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, " ").trim())
    .filter((p) => p !== "");
}

/** The first paragraph cut to `max` characters at a word boundary: for descriptions in meta tags. */
export function summaryOf(text: string, max = 200): string {
  const first = toParagraphs(text)[0] ?? "";
  if (first.length <= max) return first;
  const cut = first.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "") + "…";
}

/**
 * The first sentence or two of the first paragraph, for a card: as many whole sentences (at most
 * two) as fit in `max` characters; a first sentence longer than that is cut at a word.
 */
export function leadOf(text: string, max = 200): string {
  const first = toParagraphs(text)[0] ?? "";
  const sentences = first.match(/[^.!?]+(?:[.!?]+["”’)]?(?=\s|$)|$)/g)?.map((s) => s.trim()) ?? [];
  let lead = "";
  for (const sentence of sentences.slice(0, 2)) {
    const next = lead ? `${lead} ${sentence}` : sentence;
    if (next.length > max) break;
    lead = next;
  }
  return lead || summaryOf(first, max);
}
