import { combineTransactionSteps, findChildrenInRange, getChangedRanges, Mark, markPasteRule } from "@tiptap/core";
import { Plugin, PluginKey, type Transaction } from "@tiptap/pm/state";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { isSuggesting } from "./suggest-mode";

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    proposalLink: {
      /** Makes the selection a link to `href` (refused for a target that is not allowed). */
      setLink: (attributes: { href: string }) => ReturnType;
      /** Removes the link from the selection. */
      unsetLink: () => ReturnType;
    };
  }
}

/** Link targets a proposal may hold: the web and mail, nothing that runs code. */
const allowedLinkProtocols = ["http", "https", "mailto"] as const;

export function isAllowedLink(href: string): boolean {
  try {
    const url = new URL(href);
    return allowedLinkProtocols.some((p) => url.protocol === `${p}:`);
  } catch {
    return false;
  }
}

const REL = "noopener noreferrer nofollow";
const WHITESPACE = /\s/;
const ENDS_IN_WHITESPACE = new RegExp(`${WHITESPACE.source}$`);
/** A word that is an address: a scheme or `www.`, or an e-mail address; trailing punctuation is not part of it. */
const ADDRESS = /^[([]?((?:https?:\/\/|mailto:|www\.)\S+?|[^\s@()[\]]+@[^\s@()[\]]+\.[a-z]{2,})[)\].,;:!?'"]*$/i;

/**
 * The address a word written in the text stands for, if it is one: `https://…`, `www.…` (taken as
 * https), `mailto:…` or a bare e-mail address, with a host that has a dot in it. What autolink and
 * pasting recognise; `start` is where the address begins in the word.
 */
export function addressIn(word: string): { start: number; text: string; href: string } | null {
  const text = ADDRESS.exec(word)?.[1];
  if (!text) return null;
  const href = /^www\./i.test(text) ? `https://${text}` : !/^[a-z]+:/i.test(text) ? `mailto:${text}` : text;
  if (!isAllowedLink(href)) return null;
  const url = new URL(href);
  if (url.protocol === "mailto:" ? !/@[^@]+\.[^@]+$/.test(url.pathname) : !url.hostname.includes(".")) return null;
  return { start: word.indexOf(text), text, href };
}

const fromElsewhere = (tr: Transaction) =>
  Boolean(tr.getMeta("preventAutolink")) ||
  Boolean((tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin);

/**
 * Links, with the attributes of Tiptap's link extension (documents written with it read the same).
 * Not inclusive: text typed right after a link does not extend it. An address typed in the text
 * becomes a link when a space or a new line follows it, an address pasted becomes a link, and an
 * address pasted over selected words links them (not in Suggesting mode: a link cannot be
 * suggested). Only http, https and mailto targets are kept, on reading HTML and on writing it.
 * Written here rather than taken from `@tiptap/extension-link`, whose address recognition
 * (linkifyjs) was 13 KB of the proposal page's script (docs/decisions/096).
 */
export const Link = Mark.create({
  name: "link",
  priority: 1000,
  keepOnSplit: false,
  inclusive: false,

  addAttributes: () => ({
    href: { default: null, parseHTML: (element) => element.getAttribute("href") },
    target: { default: null },
    rel: { default: REL },
    class: { default: null },
    title: { default: null },
  }),

  parseHTML: () => [
    {
      tag: "a[href]",
      getAttrs: (element) => (isAllowedLink(element.getAttribute("href") ?? "") ? null : false),
    },
  ],

  renderHTML: ({ HTMLAttributes }) => {
    const href = typeof HTMLAttributes.href === "string" && isAllowedLink(HTMLAttributes.href) ? HTMLAttributes.href : "";
    return ["a", { ...HTMLAttributes, href, rel: REL }, 0];
  },

  addCommands() {
    return {
      setLink:
        ({ href }) =>
        ({ chain }) =>
          isAllowedLink(href) && chain().setMark(this.name, { href }).setMeta("preventAutolink", true).run(),
      unsetLink:
        () =>
        ({ chain }) =>
          chain().unsetMark(this.name, { extendEmptyMarkRange: true }).setMeta("preventAutolink", true).run(),
    };
  },

  addPasteRules() {
    return [
      markPasteRule({
        type: this.type,
        find: (text) => {
          const found: { index: number; text: string; data: { href: string } }[] = [];
          for (const word of text.matchAll(/\S+/g)) {
            const address = addressIn(word[0]);
            if (address) found.push({ index: word.index + address.start, text: address.text, data: { href: address.href } });
          }
          return found;
        },
        getAttributes: (match) => ({ href: (match.data as { href: string } | undefined)?.href }),
      }),
    ];
  },

  addProseMirrorPlugins() {
    const type = this.type;
    return [
      new Plugin({
        key: new PluginKey("autolink"),
        appendTransaction: (transactions, oldState, newState) => {
          // A link is formatting, which Suggesting mode cannot suggest: the address stays words.
          if (!transactions.some((tr) => tr.docChanged) || transactions.some(fromElsewhere) || isSuggesting(newState)) return undefined;
          const tr = newState.tr;
          for (const { newRange } of getChangedRanges(combineTransactionSteps(oldState.doc, [...transactions]))) {
            // Enter: the block the caret left. A space: the words before it.
            const blocks = findChildrenInRange(newState.doc, newRange, (node) => node.isTextblock);
            const block = blocks[0];
            if (!block) continue;
            if (blocks.length === 1 && !ENDS_IN_WHITESPACE.test(newState.doc.textBetween(newRange.from, newRange.to, " ", " "))) continue;
            const end = blocks.length > 1 ? block.pos + block.node.nodeSize : newRange.to;
            const text = newState.doc.textBetween(block.pos, end, undefined, " ");
            const word = text.split(WHITESPACE).filter(Boolean).pop();
            const address = word ? addressIn(word) : null;
            if (!word || !address) continue;
            const from = block.pos + text.lastIndexOf(word) + address.start + 1;
            const to = from + address.text.length;
            if (!newState.doc.rangeHasMark(from, to, type)) tr.addMark(from, to, type.create({ href: address.href }));
          }
          return tr.steps.length > 0 ? tr : undefined;
        },
      }),
      new Plugin({
        key: new PluginKey("linkOnPaste"),
        props: {
          handlePaste: (view, _event, slice) => {
            const { selection } = view.state;
            const text = slice.content.textBetween(0, slice.content.size, " ").trim();
            const address = addressIn(text);
            if (selection.empty || !address || address.text !== text || isSuggesting(view.state)) return false;
            view.dispatch(
              view.state.tr.addMark(selection.from, selection.to, type.create({ href: address.href })).setMeta("preventAutolink", true),
            );
            return true;
          },
        },
      }),
    ];
  },
});
