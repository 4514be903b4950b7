import type { AppLoadContext } from "@remix-run/node";
import * as Y from "yjs";
import { readProposalAuthorship, readProposalDocument, recordProposalVisit } from "../../db/queries/proposal-documents";
import { attributedBlocksOf, attributedDiff, deletionsOfUpdate, type AuthorshipRecord } from "../lib/authorship";

/** The proposal's document as committed now (pending updates committed first), as one Yjs update. */
export async function currentDocumentState(context: AppLoadContext, proposalId: string): Promise<Uint8Array> {
  await context.collab.flushProposal(proposalId);
  const stored = await readProposalDocument(context.database.db, proposalId);
  const parts = [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates.map((u) => u.update)];
  return parts.length === 0 ? Y.encodeStateAsUpdate(new Y.Doc()) : Y.mergeUpdates(parts);
}

/** The server's record of who wrote and deleted what in a proposal (see app/lib/authorship.ts). */
export async function authorshipRecordOf(context: AppLoadContext, proposalId: string): Promise<AuthorshipRecord> {
  const stored = await readProposalAuthorship(context.database.db, proposalId);
  return {
    clientOwners: new Map(stored.owners.map((o) => [o.clientId, o.personId])),
    // Compacted deletions come before every row still in the log.
    deletions: [
      ...stored.deletions,
      ...stored.log.flatMap((row) => deletionsOfUpdate(row.update).map((d) => ({ ...d, personId: row.authorId }))),
    ],
    people: new Map(stored.people.map((p) => [p.id, { name: p.name, organizationId: p.organizationId, organization: p.organization }])),
  };
}

export interface ChangeSinceVisit {
  kind: "inserted" | "deleted";
  text: string;
  /** "Name (Organization)", or null when the server has no record of who. */
  by: string | null;
  organizationId: string | null;
  /** Up to a few words of the block around the change, for finding it. */
  before: string;
  after: string;
}

/**
 * What changed in a proposal's text since the person's previous visit, and by whom (the server's
 * record), then this look recorded. Null on the first visit.
 */
export async function changesSinceLastVisit(
  context: AppLoadContext,
  personId: string,
  proposalId: string,
): Promise<{ since: Date; changes: ChangeSinceVisit[] } | null> {
  const now = await currentDocumentState(context, proposalId);
  const gapMs = (context.env.VISIT_GAP_MINUTES ?? 60) * 60_000;
  const since = await recordProposalVisit(context.database.db, proposalId, personId, now, new Date(), gapMs);
  if (!since) return null;
  const diff = attributedDiff(
    attributedBlocksOf(since.state),
    attributedBlocksOf(now),
    await authorshipRecordOf(context, proposalId),
    true,
  );
  const changes: ChangeSinceVisit[] = [];
  const words = (text: string, take: "first" | "last") => {
    const all = text.split(/(\s+)/);
    return (take === "first" ? all.slice(0, 8) : all.slice(-8)).join("");
  };
  for (const block of diff.blocks) {
    block.parts.forEach((part, i) => {
      if (part.kind === "same" || part.text.trim() === "") return;
      const label = part.by ? (part.by.organization ? `${part.by.name} (${part.by.organization})` : part.by.name) : null;
      const shown = (p: (typeof block.parts)[number]) => p.kind !== (part.kind === "inserted" ? "deleted" : "inserted");
      changes.push({
        kind: part.kind,
        text: part.text.trim(),
        by: label,
        organizationId: part.by?.organizationId ?? null,
        before: words(
          block.parts
            .slice(0, i)
            .filter(shown)
            .map((p) => p.text)
            .join(""),
          "last",
        ).trimStart(),
        after: words(
          block.parts
            .slice(i + 1)
            .filter(shown)
            .map((p) => p.text)
            .join(""),
          "first",
        ).trimEnd(),
      });
    });
  }
  return { since: since.at, changes };
}
