import type { AnyExtension } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";

/** Link targets a proposal may hold: the web and mail, nothing that runs code. */
export const allowedLinkProtocols = ["http", "https", "mailto"] as const;

export function isAllowedLink(href: string): boolean {
  try {
    const url = new URL(href);
    return allowedLinkProtocols.some((p) => url.protocol === `${p}:`);
  } catch {
    return false;
  }
}

/**
 * The proposal body's schema: headings, paragraphs, bold, italic, lists, links, block quotes and
 * tables. Shared by the editor (browser) and the collaboration server (derived JSON/HTML/text), so
 * both read the Yjs document through the same schema. Undo/redo is left to the collaboration
 * extension (StarterKit's own history would undo other people's edits).
 */
export function proposalExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      undoRedo: false,
      heading: { levels: [2, 3, 4] },
      code: false,
      codeBlock: false,
      link: {
        openOnClick: false,
        autolink: true,
        protocols: ["mailto"],
        defaultProtocol: "https",
        isAllowedUri: (url) => isAllowedLink(url),
        HTMLAttributes: { rel: "noopener noreferrer nofollow", target: null },
      },
    }),
    TableKit.configure({ table: { resizable: false } }),
  ];
}
