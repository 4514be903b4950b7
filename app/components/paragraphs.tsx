import { toParagraphs } from "../lib/paragraphs";

/** Plain site text as paragraphs (see app/lib/paragraphs.ts). */
export function Paragraphs({ text, className }: { text: string; className?: string }) {
  return (
    <>
      {toParagraphs(text).map((p, i) => (
        <p key={i} className={className}>
          {p}
        </p>
      ))}
    </>
  );
}
