import type { LoaderFunctionArgs } from "@remix-run/node";
import { getLogoFile } from "../models/logos.server";

/**
 * An organization's logo. The address holds the content's hash, so the file never changes under
 * it: cached for a year by anyone. The type is the one its bytes were checked to be; nosniff (set
 * on every response by server/security.ts) and a sandboxing policy keep a browser from treating
 * it as anything else.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const logo = await getLogoFile(context, params.organizationId ?? "", params.file ?? "");
  if (!logo) {
    throw new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const etag = `"${logo.sha256}"`;
  const headers = {
    "Content-Type": logo.contentType,
    "Cache-Control": "public, max-age=31536000, immutable",
    ETag: etag,
    "Content-Security-Policy": "default-src 'none'; sandbox",
  };
  if (
    request.headers
      .get("If-None-Match")
      ?.split(",")
      .some((t) => t.trim() === etag)
  ) {
    return new Response(null, { status: 304, headers });
  }
  // A copy typed as a plain ArrayBuffer view, which BodyInit requires.
  return new Response(logo.bytes.slice(), { headers: { ...headers, "Content-Length": String(logo.bytes.byteLength) } });
}
