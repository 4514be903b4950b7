import type { Db } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { getProposalForUpdate, setProposalStatus } from "../../db/queries/proposals";
import type { ProposalStatus } from "../../db/schema";
import type { Deriver } from "./derive-pool";
import { takeRevision, type RevisionSummary } from "./revisions";
import { ProposalStateError } from "./service";

/** Every process's rooms (this one's alone without Redis): see createCollaboration. */
export interface Everywhere {
  /** Read-only (or not) on every process; locking resolves once each has committed its edits. */
  setLocked(proposalId: string, locked: boolean): Promise<void>;
  /** Resolves once every process has committed what it accepted so far. */
  flush(): Promise<void>;
}

/**
 * Locks a draft for a consensus round (see CollabService.lockProposalForRound). The order is the
 * point: read-only first, so nothing is accepted after the flush; flush, so everything accepted
 * before is in the database; then the revision is taken from the database in the same
 * transaction that changes the status, so the round votes on exactly the saved text. With several
 * processes "read-only" and "flush" are done by each of them before the revision is taken.
 */
export async function lockProposalForRound<T>(
  hub: Everywhere,
  db: Db,
  input: { proposalId: string; actorId: string; label: string; inTransaction: (tx: Db, revision: RevisionSummary) => Promise<T> },
  deriver: Deriver,
): Promise<{ revision: RevisionSummary; result: T }> {
  try {
    await hub.setLocked(input.proposalId, true);
    await hub.flush();
    const outcome = await db.transaction(async (tx) => {
      // The row lock orders this against metadata edits, revisions and another lock attempt.
      const proposal = await getProposalForUpdate(tx, input.proposalId);
      if (!proposal) throw new ProposalStateError("There is no such proposal.", null);
      if (proposal.status !== "draft") {
        throw new ProposalStateError("Only a draft can be put to a consensus round.", proposal.status);
      }
      const revision = await takeRevision(tx, { proposalId: input.proposalId, label: input.label, authorId: input.actorId }, deriver);
      await setProposalStatus(tx, input.proposalId, "in_round");
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "proposal.locked",
        subjectType: "proposal",
        subjectId: input.proposalId,
        before: { status: proposal.status },
        after: { status: "in_round", revision: revision.number, fingerprint: revision.fingerprint },
      });
      const result = await input.inTransaction(tx, revision);
      return { revision, result };
    });
    return outcome;
  } finally {
    // Committed: the database now says in_round, and the re-check keeps everyone read-only.
    // Failed: the database still says draft, and editors get their access back.
    await hub.setLocked(input.proposalId, false);
  }
}

/** Ends a round's lock (see CollabService.unlockProposal). */
export async function unlockProposal<T>(
  hub: Everywhere,
  db: Db,
  input: { proposalId: string; actorId: string; status: Exclude<ProposalStatus, "in_round">; inTransaction?: (tx: Db) => Promise<T> },
): Promise<T | undefined> {
  const result = await db.transaction(async (tx) => {
    const proposal = await getProposalForUpdate(tx, input.proposalId);
    if (!proposal) throw new ProposalStateError("There is no such proposal.", null);
    await setProposalStatus(tx, input.proposalId, input.status);
    await recordAudit(tx, {
      actorId: input.actorId,
      action: input.status === "draft" ? "proposal.unlocked" : `proposal.status.${input.status}`,
      subjectType: "proposal",
      subjectId: input.proposalId,
      before: { status: proposal.status },
      after: { status: input.status },
    });
    return input.inTransaction ? input.inTransaction(tx) : undefined;
  });
  await hub.setLocked(input.proposalId, false);
  return result;
}
