import type { LoaderFunctionArgs } from "@remix-run/node";
import { pillarKeys } from "../lib/pillars";

const publicPaths = ["/", "/members", "/positions", "/join", ...pillarKeys.map((k) => `/pillars/${k}`)];

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Every public page, with absolute addresses on PUBLIC_URL. */
export function loader({ context }: LoaderFunctionArgs) {
  const urls = publicPaths.map((p) => `  <url><loc>${escapeXml(new URL(p, context.env.PUBLIC_URL).toString())}</loc></url>`);
  const body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...urls,
    "</urlset>",
    "",
  ].join("\n");
  return new Response(body, {
    headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=3600" },
  });
}
