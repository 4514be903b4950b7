import type { AppLoadContext } from "@remix-run/node";
import * as Y from "yjs";
import { readProposalAuthorship, readProposalDocument } from "../../db/queries/proposal-documents";
import { deletionsOfUpdate, type AuthorshipRecord } from "../lib/authorship";

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
