import type { Db } from "../../db/client";
import type { ProposalStatus } from "../../db/schema";
import type { RevisionSummary } from "./revisions";
import type { SuggestionSummary } from "../../app/lib/suggestions";

export type { RevisionSummary };

/** Thrown when a proposal is not in the status an operation needs (e.g. locking a non-draft). */
export class ProposalStateError extends Error {
  constructor(
    message: string,
    readonly status: ProposalStatus | null,
  ) {
    super(message);
    this.name = "ProposalStateError";
  }
}

/**
 * What the rest of the application may ask of the collaboration server (handed to loaders and
 * actions through the load context as `context.collab`).
 */
export interface CollabService {
  /** Closes every live connection of a person (logout, deactivation). Returns how many. */
  closeConnectionsOfPerson(personId: string): number;
  /** Re-checks live connections now (after a suspension or reinstatement of an organization). */
  recheckOrganization(organizationId: string): Promise<void>;
  /** Re-checks live connections now (after a proposal's status changed). */
  recheckProposal(proposalId: string): Promise<void>;
  /** Commits every update applied so far. */
  flushProposal(proposalId: string): Promise<void>;
  /** Tells a proposal's live editors that its comments on passages changed (they reload them). */
  threadsChanged(proposalId: string): void;
  /** Who is connected to a proposal now. */
  presence(proposalId: string): { name: string; organization: string | null }[];
  /** The open suggestions in a proposal's live document (null: no such proposal). */
  listSuggestions(proposalId: string): Promise<SuggestionSummary[] | null>;
  /**
   * Accepts or rejects suggestions (ids from listSuggestions): the server changes the document
   * itself, relays the change to everyone and commits it before returning what it resolved. The
   * caller checks who may do this and audits it.
   */
  resolveSuggestions(input: { proposalId: string; authorId: string; ids: string[]; accept: boolean }): Promise<SuggestionSummary[] | null>;
  /** Pending updates committed, then a named revision taken from the committed state. */
  saveRevision(input: { proposalId: string; authorId: string; label: string }): Promise<RevisionSummary>;
  /**
   * Locks a draft for a consensus round, in this order: every connection turns read-only (an edit
   * arriving from now on is refused and its author told), pending updates are committed, then in
   * one transaction the proposal row is locked, a revision is taken from the committed state, the
   * status becomes `in_round`, the lock is audited and `inTransaction` runs (create the round
   * there). If anything throws, nothing is stored and connections get their access back.
   */
  lockProposalForRound<T>(input: {
    proposalId: string;
    actorId: string;
    label: string;
    inTransaction: (tx: Db, revision: RevisionSummary) => Promise<T>;
  }): Promise<{ revision: RevisionSummary; result: T }>;
  /**
   * Ends a round's lock: in one transaction the status becomes `status` (`draft` to unlock, or
   * `adopted`), audited, with `inTransaction`; then live connections are re-checked.
   */
  unlockProposal<T>(input: {
    proposalId: string;
    actorId: string;
    status: Exclude<ProposalStatus, "in_round">;
    inTransaction?: (tx: Db) => Promise<T>;
  }): Promise<T | undefined>;
}
