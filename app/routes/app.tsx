import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { ErrorPage } from "../components/error-page";
import { AppShell } from "../components/layout";
import type { RouteHandle } from "../lib/route-handle";
import { requirePermission } from "../lib/session.server";

export const handle: RouteHandle = { hydrate: true };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "app:enter");
  return { person };
}

/** The signed-in person, for any page under /app. */
export function usePerson() {
  const data = useRouteLoaderData<typeof loader>("routes/app");
  if (!data) throw new Error("usePerson is used outside /app");
  return data.person;
}

export default function AppLayout() {
  const { person } = useLoaderData<typeof loader>();
  return (
    <AppShell person={person}>
      <Outlet />
    </AppShell>
  );
}

/** An error of the workspace itself (its loader failed): the page still has its main landmark. */
export function ErrorBoundary() {
  return (
    <main id="main" tabIndex={-1}>
      <ErrorPage />
    </main>
  );
}
