import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endSession } from "../lib/session.server";

/** Logging out is a POST only: a GET changes nothing and goes home. */
export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const cookie = await endSession(request, context);
  return redirect("/login?loggedOut=1", { headers: { "Set-Cookie": cookie } });
}
