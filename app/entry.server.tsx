import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { documentCsp } from "./lib/csp";
import { etagOf, matchesEtag } from "./lib/etag";
import { NonceContext } from "./lib/nonce";
import { pageTraits } from "./lib/route-handle";

export const streamTimeout = 5_000;

/**
 * Renders the whole document before answering (no streaming: pages are small), so that public
 * pages get an ETag from their content and a matching If-None-Match gets a 304.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const handles = remixContext.staticHandlerContext.matches.map((m) => remixContext.routeModules[m.route.id]?.handle);
  const traits = pageTraits(handles);
  const nonce = traits.hydrate ? loadContext.nonce : undefined;

  const html = await renderDocument(
    <NonceContext.Provider value={nonce}>
      <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
    </NonceContext.Provider>,
    nonce,
  );
  const body = html.startsWith("<!DOCTYPE") ? html : "<!DOCTYPE html>" + html;

  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  responseHeaders.set("Content-Security-Policy", documentCsp({ nonce, inlineStyles: traits.inlineStyles, connectSelf: traits.connect }));
  if (traits.publicCache && responseStatusCode === 200) {
    const etag = etagOf(body);
    responseHeaders.set("ETag", etag);
    responseHeaders.set("Cache-Control", "public, max-age=60, stale-while-revalidate=300");
    if (matchesEtag(request.headers.get("If-None-Match"), etag)) {
      return new Response(null, { status: 304, headers: responseHeaders });
    }
  } else {
    responseHeaders.set("Cache-Control", "private, no-store");
  }
  return new Response(body, { status: responseStatusCode, headers: responseHeaders });
}

function renderDocument(element: React.ReactElement, nonce: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    let failed: unknown;
    const { pipe, abort } = renderToPipeableStream(element, {
      nonce,
      onAllReady() {
        const sink = new PassThrough();
        const chunks: Buffer[] = [];
        sink.on("data", (chunk: Buffer) => chunks.push(chunk));
        sink.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        sink.on("error", reject);
        pipe(sink);
      },
      onShellError: reject,
      onError(error) {
        failed = error;
      },
    });
    setTimeout(() => (failed ? undefined : abort()), streamTimeout + 1000).unref();
  });
}

/** Unexpected errors in loaders and actions: one log line with the request id, no stack to the page. */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  // 4xx answers (a missing page, a refused action) are not errors of the platform.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  context.log.error({ err: error, requestId: context.requestId, url: request.url }, "unhandled error");
};
