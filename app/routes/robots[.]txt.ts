import type { LoaderFunctionArgs } from "@remix-run/node";

/** The public site is open to crawlers; the workspace and account pages are not worth their time. */
export function loader({ context }: LoaderFunctionArgs) {
  const body = [
    "User-agent: *",
    "Disallow: /app",
    "Disallow: /setup",
    "Disallow: /invite/",
    "Disallow: /reset/",
    "Disallow: /join/thanks",
    "",
    `Sitemap: ${new URL("/sitemap.xml", context.env.PUBLIC_URL).toString()}`,
    "",
  ].join("\n");
  return new Response(body, {
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=3600" },
  });
}
