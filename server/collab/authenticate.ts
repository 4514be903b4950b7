import type { IncomingMessage } from "node:http";
import { can, type Actor } from "../../app/lib/permissions";
import { draftingMode, SUGGEST_ONLY_TEXT } from "../../app/lib/drafting";
import type { Db } from "../../db/client";
import { getProposalAccess, type ProposalAccessFacts } from "../../db/queries/proposal-documents";
import { validateSessionToken, type SessionPerson } from "../../db/queries/sessions";
import { CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED, SAVED_PARAMETER } from "./protocol";
import { isUuid } from "../../app/lib/uuid";

export interface Access {
  readOnly: boolean;
  /** Every change must be a suggestion of the connection's own person (the server checks). */
  suggesting: boolean;
  /** Why the connection is read-only, in words shown to the person (empty when it may edit). */
  reason: string;
}

/** What decides a connection's access besides the person: the proposal's status and drafting rule. */
export type ProposalFacts = Omit<ProposalAccessFacts, "id">;

const readOnly = (reason: string): Access => ({ readOnly: true, suggesting: false, reason });

/**
 * Who may write, and how: the permission table (sponsors edit, other active members suggest, a
 * suspended organization's representatives read only) and the proposal's status (only a draft
 * changes). Pure: used at upgrade and at every re-check.
 */
export function decideAccess(actor: Actor, facts: ProposalFacts, locked = false): Access {
  const { status } = facts;
  if (locked || status === "in_round") {
    return {
      readOnly: true,
      suggesting: false,
      reason: "This proposal is locked while its consensus round is open: the text cannot change.",
    };
  }
  if (status === "adopted") return readOnly("This proposal was adopted: its text can no longer change.");
  if (status === "archived") return readOnly("This proposal is archived: its text can no longer change.");
  const mode = draftingMode(actor, { sponsorOrganizationIds: facts.sponsorOrganizationIds, openEditing: facts.openEditing });
  if (mode === "read") {
    return readOnly(
      actor.organizationStatus === "suspended"
        ? "Your organization is suspended: you can read this proposal, but not edit it."
        : "You can read this proposal, but not edit it.",
    );
  }
  if (mode === "suggest") return { readOnly: false, suggesting: true, reason: SUGGEST_ONLY_TEXT };
  return { readOnly: false, suggesting: false, reason: "" };
}

export interface Admitted {
  ok: true;
  proposalId: string;
  sessionId: string;
  person: SessionPerson;
  facts: ProposalFacts;
  /** The client asked for the committed-state and access messages (`?saved=1`). */
  wantsCommitted: boolean;
}

export type Refused = { ok: false; code: number; reason: string };

const TOKEN = /^[a-z2-7]{32}$/;

/** `/collab/:proposalId`, or null for any other path. */
export function collabProposalId(url: string | undefined): string | null | undefined {
  const path = (url ?? "").split("?")[0] ?? "";
  const match = /^\/collab\/([^/]*)$/.exec(path);
  if (!match) return undefined;
  return isUuid(match[1]!) ? match[1]!.toLowerCase() : null;
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * Decides at upgrade whether this request may open a connection: the Origin must be the site's,
 * the session cookie valid, the proposal must exist and the person may read it. A refusal is
 * delivered after the upgrade as a 44xx close code, because y-websocket retries forever on an
 * HTTP error but stops on 4400–4499.
 */
export async function authenticateUpgrade(
  request: IncomingMessage,
  options: { db: Db; publicUrl: string; secure: boolean },
): Promise<Admitted | Refused> {
  const proposalId = collabProposalId(request.url);
  if (request.headers.origin !== options.publicUrl) {
    return { ok: false, code: CLOSE_FORBIDDEN, reason: "origin not allowed" };
  }
  // The same cookie as the site's (app/lib/session.server.ts sessionCookieName).
  const cookieName = options.secure ? "__Host-care_session" : "care_session";
  const token = readCookie(request.headers.cookie, cookieName);
  if (!token || !TOKEN.test(token)) return { ok: false, code: CLOSE_UNAUTHENTICATED, reason: "not signed in" };
  const session = await validateSessionToken(options.db, token);
  if (!session) return { ok: false, code: CLOSE_UNAUTHENTICATED, reason: "session ended" };
  if (!proposalId) return { ok: false, code: CLOSE_NOT_FOUND, reason: "no such proposal" };
  const proposal = await getProposalAccess(options.db, proposalId);
  if (!proposal) return { ok: false, code: CLOSE_NOT_FOUND, reason: "no such proposal" };
  if (!can(session.person, "proposal:read")) return { ok: false, code: CLOSE_FORBIDDEN, reason: "not allowed" };
  const query = new URLSearchParams((request.url ?? "").split("?")[1] ?? "");
  return {
    ok: true,
    proposalId,
    sessionId: session.id,
    person: session.person,
    facts: { status: proposal.status, openEditing: proposal.openEditing, sponsorOrganizationIds: proposal.sponsorOrganizationIds },
    wantsCommitted: query.get(SAVED_PARAMETER) === "1",
  };
}
