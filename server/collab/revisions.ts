import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { canonicalJson } from "../../db/canonical-json";
import type { Db } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { readProposalDocument, saveDerivedBody } from "../../db/queries/proposal-documents";
import { insertRevision } from "../../db/queries/proposals";
import type { Deriver } from "./derive-pool";

export interface RevisionSummary {
  id: string;
  number: number;
  label: string;
  fingerprint: string;
  createdAt: Date;
}

/** SHA-256 (hex) of the canonical JSON of a ProseMirror document: the text's fingerprint. */
export function fingerprintOf(json: unknown): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(canonicalJson(json))));
}

/**
 * Takes a revision from the database's committed state (snapshot + log), never from memory, so
 * it holds exactly what is saved. Runs in the caller's transaction, which must already hold the
 * proposal's row lock (getProposalForUpdate): that orders revision numbers. The derived
 * JSON/HTML/text on the proposal are brought up to date exactly, and the revision is audited.
 * The fold and the derive run on `deriver` (a worker thread), awaited inside the transaction:
 * exact, and off the relaying thread.
 */
export async function takeRevision(
  tx: Db,
  input: { proposalId: string; label: string; authorId: string | null },
  deriver: Deriver,
): Promise<RevisionSummary> {
  const stored = await readProposalDocument(tx, input.proposalId);
  const updates = stored.updates.map((u) => u.update);
  const { body: derived, state } = await deriver.bodyAndState(stored.snapshot ? [stored.snapshot, ...updates] : updates);
  const fingerprint = fingerprintOf(derived.json);
  const revision = await insertRevision(tx, {
    proposalId: input.proposalId,
    label: input.label,
    yjsState: state,
    prosemirrorJson: derived.json,
    html: derived.html,
    text: derived.text,
    fingerprint,
    authorId: input.authorId,
  });
  await saveDerivedBody(tx, input.proposalId, derived);
  await recordAudit(tx, {
    actorId: input.authorId,
    action: "proposal.revision.created",
    subjectType: "proposal",
    subjectId: input.proposalId,
    after: { revision: revision.number, label: revision.label, fingerprint },
  });
  return revision;
}
