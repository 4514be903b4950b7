import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/node";
import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from "express";
import { requestBody, sendRefusalAndClose, type Refusal } from "./request-body";

/** The path of the page that renders the platform's refusals (app/routes/request-refused.tsx). */
const REFUSAL_PAGE = "/request-refused";

export interface RemixHandler {
  handle: RequestHandler;
  /** Answers a refusal with the site's own error page (status and message from the refusal). */
  refuse: (req: ExpressRequest, res: ExpressResponse, refusal: Refusal) => void;
}

/**
 * The Remix handler for Express. Unlike @remix-run/express it hands Remix the body that
 * limitRequestBodies already read and checked (never the raw socket), and it builds the request's
 * address from PUBLIC_URL, not from Host or X-Forwarded-Host: a client cannot make the app see
 * another site's address, or an address that does not parse.
 */
export function createRemixHandler(
  build: ServerBuild,
  options: {
    mode: string;
    publicUrl: string;
    loadContext: (req: ExpressRequest, refusal?: Refusal) => AppLoadContext;
    /** Runs a POST's handling and resolves once the other processes have heard of what it changed. */
    settle?: <T>(handle: () => Promise<T>) => Promise<T>;
  },
): RemixHandler {
  const handleRequest = createRequestHandler(build, options.mode);

  async function answer(req: ExpressRequest, res: ExpressResponse, request: Request, refusal?: Refusal) {
    const handle = () => handleRequest(request, options.loadContext(req, refusal));
    const changes = request.method !== "GET" && request.method !== "HEAD";
    const response = await (changes && options.settle ? options.settle(handle) : handle());
    res.statusMessage = response.statusText;
    res.status(response.status);
    for (const [name, value] of response.headers) if (name !== "set-cookie") res.append(name, value);
    for (const cookie of response.headers.getSetCookie()) res.append("Set-Cookie", cookie);
    if (!response.body) return void res.end();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
    }
    res.end();
  }

  function abortOnClose(res: ExpressResponse) {
    const controller = new AbortController();
    // The client went away before the answer was sent: let loaders and actions stop early.
    res.on("close", () => (res.writableFinished ? undefined : controller.abort()));
    return controller.signal;
  }

  return {
    handle: (req, res, next) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || name === "content-length" || name === "transfer-encoding") continue;
        for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
      }
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(options.publicUrl + req.originalUrl, {
        method: req.method,
        headers,
        body: hasBody ? new Uint8Array(requestBody(req) ?? []) : undefined,
        signal: abortOnClose(res),
      });
      answer(req, res, request).catch(next);
    },
    refuse: (req, res, refusal) => {
      // The page is rendered for no one in particular: no cookie, so no session is looked up.
      const request = new Request(options.publicUrl + REFUSAL_PAGE, {
        headers: { Accept: "text/html" },
        signal: abortOnClose(res),
      });
      sendRefusalAndClose(req, res, refusal, () => {
        answer(req, res, request, refusal).catch(() => {
          if (!res.headersSent) res.status(refusal.status).type("text/plain").send(refusal.message);
          else res.end();
        });
      });
    },
  };
}
