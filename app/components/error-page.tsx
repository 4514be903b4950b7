import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

function describe(error: unknown): { title: string; message: string } {
  if (isRouteErrorResponse(error)) {
    if (error.status === 403) {
      return { title: "You do not have access to this page", message: "This page is for conveners." };
    }
    if (error.status === 404) {
      return { title: "Page not found", message: "There is nothing at this address, or it is not visible to you." };
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
  const { title, message } = describe(useRouteError());
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

export function RootErrorBoundary() {
  return (
    <main id="main" tabIndex={-1}>
      <ErrorPage />
    </main>
  );
}
