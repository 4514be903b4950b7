import { storableText } from "./storable-text";

/** The longest search text looked for; the rest of a longer one is dropped. */
export const SEARCH_TEXT_MAX = 200;

/**
 * What a person typed in a search box, as it goes to PostgreSQL: the one place search text is
 * prepared. PostgreSQL refuses U+0000 in any text value (a 500, before this), so it becomes
 * U+FFFD, the character for "something unreadable was here", which no word contains: a search
 * for it alone matches nothing, and the words around it are still searched. Lone surrogates
 * become U+FFFD as well, and the text is trimmed to SEARCH_TEXT_MAX characters. Returns
 * undefined when there is nothing to search for (an empty box: everything is listed).
 */
export function searchText(raw: string | null | undefined): string | undefined {
  const text = storableText(
    Array.from((raw ?? "").trim())
      .slice(0, SEARCH_TEXT_MAX)
      .join(""),
  ).trim();
  return text === "" ? undefined : text;
}
