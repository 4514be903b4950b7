import type { AppLoadContext } from "@remix-run/node";
import { recordAudit } from "../../db/queries/audit";
import { getCoalition } from "../../db/queries/coalition";
import { consumeOneTimeToken, createOneTimeToken, findOneTimeToken } from "../../db/queries/one-time-tokens";
import { countConveners, createPerson, getPerson, getPersonByEmail, updatePerson } from "../../db/queries/people";
import { createSession, invalidatePersonSessions } from "../../db/queries/sessions";
import { consumePoint, isOverLimit, LOGIN_LIMITS, recordFailure, secondsBlocked } from "../../server/rate-limit";
import { hashPassword, verifyPassword } from "../lib/password.server";
import { absoluteUrl, queueMail } from "./mail.server";

/** Raised for an outcome the person must be told about, in words fit to show them. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const LOGIN_FAILED = "That email and password do not match an active account. Check both and try again.";

/**
 * Checks a login: the same message for "no such person", "wrong password" and "deactivated".
 * Only failures count: per (account, address) pair and per address, each refused once over its
 * limit; a success clears its pair. Failures for an account from anywhere only slow its sign-ins
 * down (a short delay), so nobody can lock a member out. Returns a new session's token.
 */
export async function login(context: AppLoadContext, email: string, password: string) {
  const { limits } = context;
  const account = email.toLowerCase();
  const pair = `${account} ${context.clientAddress}`;
  const wait = Math.max(
    await secondsBlocked(limits.loginFailuresByAccountAndAddress, pair),
    await secondsBlocked(limits.loginFailuresByAddress, context.clientAddress),
  );
  if (wait > 0) {
    throw new UserFacingError(
      `Too many sign-in attempts. Please wait ${Math.ceil(wait / 60)} minute${wait > 60 ? "s" : ""} and try again.`,
      429,
    );
  }
  if (await isOverLimit(limits.loginFailuresByAccount, account)) {
    // Slows guessing spread over many addresses; a delay, not a refusal, so the member still gets in.
    await new Promise((resolve) => setTimeout(resolve, LOGIN_LIMITS.accountDelayMs));
  }
  const person = await getPersonByEmail(context.database.db, email);
  const ok = await verifyPassword(person?.status === "active" ? person.passwordHash : null, password);
  if (!person || !ok) {
    await Promise.all([
      recordFailure(limits.loginFailuresByAccountAndAddress, pair),
      recordFailure(limits.loginFailuresByAddress, context.clientAddress),
      recordFailure(limits.loginFailuresByAccount, account),
    ]);
    context.log.info({ requestId: context.requestId }, "login refused");
    throw new UserFacingError(LOGIN_FAILED, 400);
  }
  await limits.loginFailuresByAccountAndAddress.delete(pair);
  const { token } = await createSession(context.database.db, person.id);
  return token;
}

export type TokenState = "valid" | "expired" | "used" | "unknown";

/** Creates the first convener with the one-time setup link; refused once any convener exists. */
export async function setupFirstConvener(
  context: AppLoadContext,
  token: string,
  fields: { name: string; email: string; password: string },
) {
  await requireUsableToken(context, token, "setup");
  const passwordHash = await hashPassword(fields.password);
  const db = context.database.db;
  return db.transaction(async (tx) => {
    const found = await findOneTimeToken(tx, token, "setup", { forUpdate: true });
    if (found.state !== "valid" || (await countConveners(tx)) > 0) {
      throw new UserFacingError(setupProblem("used"), 410);
    }
    if (!(await consumeOneTimeToken(tx, found.token.id))) {
      throw new UserFacingError(setupProblem("used"), 410);
    }
    if (await getPersonByEmail(tx, fields.email)) {
      throw new UserFacingError("An account with this email already exists.", 400, "email");
    }
    const person = await createPerson(tx, {
      email: fields.email,
      name: fields.name,
      passwordHash,
      role: "convener",
      organizationId: null,
      canVote: false,
    });
    await recordAudit(tx, {
      actorId: person.id,
      action: "person.created",
      subjectType: "person",
      subjectId: person.id,
      after: { name: person.name, email: person.email, role: "convener", via: "setup link" },
    });
    const { token: sessionToken } = await createSession(tx, person.id);
    return sessionToken;
  });
}

type TokenPurposeName = "setup" | "invitation" | "password_reset";

/** Where a setup, invitation or reset link stands; a setup link is used once any convener exists. */
export async function checkToken(context: AppLoadContext, token: string, purpose: TokenPurposeName) {
  const found = await findOneTimeToken(context.database.db, token, purpose);
  if (purpose === "setup" && found.state === "valid" && (await countConveners(context.database.db)) > 0) {
    return { state: "used" as const };
  }
  return found;
}

/** The status of a link that is not valid: 404 for one never issued, 410 for one used or expired. */
export function tokenProblemStatus(state: Exclude<TokenState, "valid">): 404 | 410 {
  return state === "unknown" ? 404 : 410;
}

/** The words for a link that is not valid, per purpose. */
export function tokenProblem(purpose: TokenPurposeName, state: Exclude<TokenState, "valid">): string {
  if (purpose === "setup") return setupProblem(state);
  if (purpose === "invitation") return invitationProblem(state);
  return resetProblem(state);
}

/**
 * The first step of every post to a setup, invitation or reset link, before any password work:
 * one point from the address's limit, then the token's state (404 unknown, 410 used or expired).
 */
export async function openTokenPost(context: AppLoadContext, token: string, purpose: TokenPurposeName) {
  const wait = await consumePoint(context.limits.tokenPostsByAddress, context.clientAddress);
  if (wait > 0) {
    throw new UserFacingError(
      `Too many attempts from your connection. Please wait ${Math.ceil(wait / 60)} minute${wait > 60 ? "s" : ""} and try again.`,
      429,
    );
  }
  await requireUsableToken(context, token, purpose);
}

/** Refuses a token that is not valid, so no password is hashed for it (the transaction checks again under lock). */
async function requireUsableToken(context: AppLoadContext, token: string, purpose: TokenPurposeName) {
  const found = await checkToken(context, token, purpose);
  if (found.state !== "valid") throw new UserFacingError(tokenProblem(purpose, found.state), tokenProblemStatus(found.state));
}

/** Accepts an invitation: creates the representative and signs them in. */
export async function acceptInvitation(context: AppLoadContext, token: string, fields: { name: string; password: string }) {
  await requireUsableToken(context, token, "invitation");
  const passwordHash = await hashPassword(fields.password);
  return context.database.db.transaction(async (tx) => {
    const found = await findOneTimeToken(tx, token, "invitation", { forUpdate: true });
    if (found.state !== "valid") throw new UserFacingError(invitationProblem(found.state), tokenProblemStatus(found.state));
    const invitation = found.token;
    if (!(await consumeOneTimeToken(tx, invitation.id))) throw new UserFacingError(invitationProblem("used"), 410);
    if (await getPersonByEmail(tx, invitation.email!)) {
      throw new UserFacingError("An account with this email already exists. Sign in instead, or ask for a password reset.", 409);
    }
    const person = await createPerson(tx, {
      email: invitation.email!,
      name: fields.name,
      passwordHash,
      role: "representative",
      organizationId: invitation.organizationId,
      canVote: invitation.canVote,
    });
    await recordAudit(tx, {
      actorId: person.id,
      action: "invitation.accepted",
      subjectType: "person",
      subjectId: person.id,
      after: { name: person.name, email: person.email, organizationId: person.organizationId, canVote: person.canVote },
    });
    const { token: sessionToken } = await createSession(tx, person.id);
    return sessionToken;
  });
}

/** One message for every state: the page says when a setup link works, and links to the login. */
export function setupProblem(_state: TokenState): string {
  return "This setup link is not valid. It works only once, only while no convener account exists, and only the link printed at the server's most recent start.";
}

export function invitationProblem(state: TokenState): string {
  switch (state) {
    case "expired":
      return "This invitation has expired (invitations are valid for 7 days). Ask a convener to send a new one.";
    case "used":
      return "This invitation has already been used. Sign in with the account it created.";
    default:
      return "This invitation link is not valid. Check that you copied the whole link, or ask a convener for a new one.";
  }
}

export function resetProblem(state: TokenState): string {
  switch (state) {
    case "expired":
      return "This password-reset link has expired (links are valid for 2 hours). Ask for a new one.";
    case "used":
      return "This password-reset link has already been used. Ask for a new one if you need it.";
    default:
      return "This password-reset link is not valid. Check that you copied the whole link, or ask for a new one.";
  }
}

/**
 * Makes a password-reset link for a person and mails it to them. Used by /forgot and by
 * conveners; returns the link so a convener can also hand it over directly.
 */
export async function issuePasswordReset(context: AppLoadContext, personId: string, requestedBy: { id: string; name: string } | null) {
  const db = context.database.db;
  const link = await db.transaction(async (tx) => {
    const person = await getPerson(tx, personId);
    if (!person || person.status !== "active") return null;
    const { token } = await createOneTimeToken(tx, {
      purpose: "password_reset",
      personId: person.id,
      email: person.email,
      createdById: requestedBy?.id ?? null,
    });
    const url = absoluteUrl(context, `/reset/${token}`);
    const coalition = await getCoalition(tx);
    await queueMail(tx, context, {
      to: person.email,
      subject: `Reset your ${coalition?.shortName ?? "CARE Table"} password`,
      body: [
        `Hello ${person.name},`,
        "",
        requestedBy
          ? `${requestedBy.name} (a convener) made a password-reset link for your account.`
          : "Someone (we hope you) asked to reset the password of your account.",
        "Open this link within 2 hours to choose a new password:",
        "",
        url,
        "",
        "If you did not expect this, you can ignore this mail: your password stays as it is.",
      ].join("\n"),
    });
    await recordAudit(tx, {
      actorId: requestedBy?.id ?? null,
      action: "password_reset.issued",
      subjectType: "person",
      subjectId: person.id,
      after: { requestedBy: requestedBy ? "convener" : "self" },
    });
    return url;
  });
  context.mail.nudge();
  return link;
}

/** /forgot: the same answer whether the address exists or not; limited per client address. */
export async function requestPasswordReset(context: AppLoadContext, email: string) {
  const wait = await consumePoint(context.limits.forgotByAddress, context.clientAddress);
  if (wait > 0) throw new UserFacingError("Too many requests from this address. Please try again in an hour.", 429);
  const person = await getPersonByEmail(context.database.db, email);
  if (person && person.status === "active") await issuePasswordReset(context, person.id, null);
}

/** Uses a reset link: sets the password, ends every session, audits the use, tells the person. */
export async function resetPassword(context: AppLoadContext, token: string, password: string) {
  await requireUsableToken(context, token, "password_reset");
  const passwordHash = await hashPassword(password);
  const db = context.database.db;
  const personId = await db.transaction(async (tx) => {
    const found = await findOneTimeToken(tx, token, "password_reset", { forUpdate: true });
    if (found.state !== "valid") throw new UserFacingError(resetProblem(found.state), tokenProblemStatus(found.state));
    if (!(await consumeOneTimeToken(tx, found.token.id))) throw new UserFacingError(resetProblem("used"), 410);
    const person = await getPerson(tx, found.token.personId!);
    if (!person || person.status !== "active") throw new UserFacingError(resetProblem("unknown"), 410);
    await updatePerson(tx, person.id, { passwordHash });
    await invalidatePersonSessions(tx, person.id);
    await recordAudit(tx, {
      actorId: person.id,
      action: "password_reset.used",
      subjectType: "person",
      subjectId: person.id,
      after: { clientAddress: context.clientAddress },
    });
    await queueMail(tx, context, {
      to: person.email,
      subject: "Your password was changed",
      body: [
        `Hello ${person.name},`,
        "",
        `The password of your account was changed with a password-reset link on ${new Date().toUTCString()}.`,
        "Every session of your account was signed out.",
        "",
        "If this was not you, tell a convener at once.",
      ].join("\n"),
    });
    return person.id;
  });
  context.mail.nudge();
  const { token: sessionToken } = await createSession(db, personId);
  return sessionToken;
}
