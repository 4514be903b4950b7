import type { MetaFunction } from "@remix-run/node";
import { PublicErrorBoundary } from "../components/error-page";
import { notFoundMeta } from "../lib/meta";
import { notFound } from "../lib/not-found";

/*
 * Any address no other route answers. Answering here (rather than leaving it unmatched) runs the
 * root loader, so the 404 page has the site's frame: the same page as every other "not found".
 */
export function loader(): never {
  throw notFound();
}

export default function NotFound() {
  return null;
}

export const meta: MetaFunction = ({ matches }) => notFoundMeta(matches);

export const ErrorBoundary = PublicErrorBoundary;
