import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useMatches, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { describeError } from "./components/error-page";
import { getSiteFrame } from "./models/site.server";
import { useNonce } from "./lib/nonce";
import { pageTraits } from "./lib/route-handle";
import styles from "./styles/app.css";
import regularFont from "@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-400-normal.woff2";
import boldFont from "@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-700-normal.woff2";

export const links: LinksFunction = () => [
  // The two faces every page uses, fetched with the stylesheet instead of after it: text laid out
  // in the fallback font and then again in this one moved long tables (Lighthouse's layout shift).
  { rel: "preload", href: regularFont, as: "font", type: "font/woff2", crossOrigin: "anonymous" },
  { rel: "preload", href: boldFont, as: "font", type: "font/woff2", crossOrigin: "anonymous" },
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/** Only what is the same for everyone: public pages are cached by shared caches. */
export async function loader({ context }: LoaderFunctionArgs) {
  return { ...(await getSiteFrame(context)), publicUrl: context.env.PUBLIC_URL };
}

export function useSite() {
  return useRouteLoaderData<typeof loader>("root");
}

export function Layout({ children }: { children: ReactNode }) {
  const matches = useMatches();
  const nonce = useNonce();
  const { hydrate } = pageTraits(matches.map((m) => m.handle));
  return (
    <html lang="en-US">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to main content
        </a>
        {children}
        {hydrate ? (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        ) : null}
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** Pages without a title of their own (error pages) are named by what went wrong. */
export const meta: MetaFunction<typeof loader> = ({ data, error }) =>
  error ? [{ title: `${describeError(error).title} · ${data?.siteName ?? "CARE Table"}` }] : [];

export { RootErrorBoundary as ErrorBoundary } from "./components/error-page";
