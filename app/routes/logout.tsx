import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endSession, getPerson } from "../lib/session.server";

/** Logging out is a POST only: a GET changes nothing and goes home. */
export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const person = await getPerson(request, context);
  const cookie = await endSession(request, context);
  // Every live editor connection of the person ends with the session (DESIGN §6).
  if (person) context.collab.closeConnectionsOfPerson(person.id);
  return redirect("/login?loggedOut=1", {
    // The browser drops what this site stored, including offline copies of proposals (IndexedDB).
    headers: { "Set-Cookie": cookie, "Clear-Site-Data": '"storage"' },
  });
}
