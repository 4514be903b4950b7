import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { PublicLayout } from "./layout";

/** The title and message for an error: also the page's <title> (root meta). */
export function describeError(error: unknown): { title: string; message: string } {
  if (isRouteErrorResponse(error)) {
    if (error.status === 403) {
      return { title: "You do not have access to this page", message: "This page is for conveners." };
    }
    if (error.status === 404) {
      return { title: "Page not found", message: "There is nothing at this address, or it is not visible to you." };
    }
    if (error.status === 413) {
      return { title: "What you sent is too large", message: typeof error.data === "string" ? error.data : "" };
    }
    if (error.status === 415) {
      return { title: "This was not sent as a form", message: typeof error.data === "string" ? error.data : "" };
    }
    return { title: `Something went wrong (${error.status})`, message: typeof error.data === "string" ? error.data : "" };
  }
  return {
    title: "Something went wrong",
    message: "The page could not be shown. Nothing you sent was lost: try again in a moment.",
  };
}

/** The one error page: for routes with params, and for the root. */
export function ErrorPage() {
  const { title, message } = describeError(useRouteError());
  return (
    <div className="notice error" role="alert">
      <h1>{title}</h1>
      {message ? <p>{message}</p> : null}
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </div>
  );
}

/**
 * Errors outside the workspace (an unknown address, an unpublished page) in the public site's
 * frame: every "not found" looks the same, whatever was not found.
 */
export function PublicErrorBoundary() {
  return (
    <PublicLayout>
      <ErrorPage />
    </PublicLayout>
  );
}

export { PublicErrorBoundary as RootErrorBoundary };
