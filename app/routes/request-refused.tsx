import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse } from "@remix-run/react";
import { PublicErrorBoundary } from "../components/error-page";
import { notFoundMeta } from "../lib/meta";
import { notFound } from "../lib/not-found";

/*
 * The page the platform answers a refused request with (a body over its limit, a body that is not
 * a form): server/request-body.ts decides, and the server renders this route with the refusal in
 * its context, so the answer is the site's own error page. Asked for directly, it is not found.
 */
export function loader({ context }: LoaderFunctionArgs): never {
  if (!context.refusal) throw notFound();
  throw new Response(context.refusal.message, { status: context.refusal.status });
}

export default function RequestRefused() {
  return null;
}

/** The root names error pages by what went wrong (413, 415, 400); an address asked for directly is the usual "not found". */
export const meta: MetaFunction = ({ matches, error }) =>
  error && isRouteErrorResponse(error) && error.status !== 404 ? (matches.find((m) => m.id === "root")?.meta ?? []) : notFoundMeta(matches);

export const ErrorBoundary = PublicErrorBoundary;
