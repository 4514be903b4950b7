import type { MetaDescriptor } from "@remix-run/node";

interface RootData {
  siteName: string;
  publicUrl: string;
}

/** The root loader's data, as meta functions see it in `matches`. */
function rootData(matches: readonly { id: string; data: unknown }[]): RootData | undefined {
  return matches.find((m) => m.id === "root")?.data as RootData | undefined;
}

/**
 * Title, description, canonical address and Open Graph tags of a public page. `title` is the
 * page's own name (the site's name is added after it), or null on the home page.
 */
export function publicMeta(
  matches: readonly { id: string; data: unknown }[],
  page: { title: string | null; description: string; path: string },
): MetaDescriptor[] {
  const root = rootData(matches);
  const siteName = root?.siteName ?? "CARE Table";
  const title = page.title ? `${page.title} · ${siteName}` : siteName;
  const url = root ? new URL(page.path, root.publicUrl).toString() : page.path;
  return [
    { title },
    { name: "description", content: page.description },
    { tagName: "link", rel: "canonical", href: url },
    { property: "og:type", content: "website" },
    { property: "og:site_name", content: siteName },
    { property: "og:title", content: page.title ?? siteName },
    { property: "og:description", content: page.description },
    { property: "og:url", content: url },
    { property: "og:locale", content: "en_US" },
    { name: "twitter:card", content: "summary" },
  ];
}

/** The title of the one "not found" page, the same whichever route did not find its page. */
export function notFoundMeta(matches: readonly { id: string; data: unknown }[]): MetaDescriptor[] {
  return [{ title: `Page not found · ${rootData(matches)?.siteName ?? "CARE Table"}` }];
}
