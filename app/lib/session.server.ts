import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { SESSION_ABSOLUTE_MS, createSession, invalidateSession, validateSessionToken, type ValidSession } from "../../db/queries/sessions";
import { can, type Action } from "./permissions";
import { safeRedirectPath } from "./redirect";
import { oncePerRequest } from "./request-memo";

export function sessionCookieName(context: AppLoadContext): string {
  // Over https the __Host- prefix pins the cookie to this exact origin, Secure and Path=/.
  return context.env.secure ? "__Host-care_session" : "care_session";
}

function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function sessionCookie(context: AppLoadContext, token: string): string {
  const maxAge = Math.floor(SESSION_ABSOLUTE_MS / 1000);
  return serialize(context, token, maxAge);
}

export function clearedSessionCookie(context: AppLoadContext): string {
  return serialize(context, "", 0);
}

function serialize(context: AppLoadContext, value: string, maxAge: number): string {
  const parts = [`${sessionCookieName(context)}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`];
  if (context.env.secure) parts.push("Secure");
  return parts.join("; ");
}

/** The request's session, validated once for the action and once for the loaders after it. */
export function getSession(request: Request, context: AppLoadContext): Promise<ValidSession | null> {
  return oncePerRequest(context, `session ${request.method}`, () => {
    const token = readCookie(request.headers.get("Cookie"), sessionCookieName(context));
    return token && /^[a-z2-7]{32}$/.test(token) ? validateSessionToken(context.database.db, token) : Promise.resolve(null);
  });
}

export async function getPerson(request: Request, context: AppLoadContext) {
  return (await getSession(request, context))?.person ?? null;
}

/** The signed-in person, or a redirect to the login page that comes back here afterwards. */
export async function requirePerson(request: Request, context: AppLoadContext) {
  const person = await getPerson(request, context);
  if (!person) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/login?${new URLSearchParams({ redirectTo: back })}`);
  }
  return person;
}

/** The signed-in person allowed to do `action`; a 403 for pages they may not use. */
export async function requirePermission(request: Request, context: AppLoadContext, action: Action) {
  const person = await requirePerson(request, context);
  if (!can(person, action)) {
    throw new Response("You do not have access to this page.", { status: 403, statusText: "Forbidden" });
  }
  return person;
}

/** Starts a new session (never reuses one) and sends the person on. */
export async function startSession(context: AppLoadContext, personId: string, redirectTo: string | null | undefined): Promise<Response> {
  const { token } = await createSession(context.database.db, personId);
  return redirect(safeRedirectPath(redirectTo, "/app"), { headers: { "Set-Cookie": sessionCookie(context, token) } });
}

/** Ends the request's session (logout) and returns the cookie that clears it in the browser. */
export async function endSession(request: Request, context: AppLoadContext): Promise<string> {
  const session = await getSession(request, context);
  if (session) await invalidateSession(context.database.db, session.id);
  return clearedSessionCookie(context);
}
