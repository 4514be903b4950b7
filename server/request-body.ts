import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from "express";
import { LOGO_MAX_BYTES } from "../app/lib/logos";

/** Every form of the site fits in this (the longest, the site text, is about 25 KB of English). */
export const FORM_BODY_LIMIT = 64 * 1024;
/** The logo form: one file of at most LOGO_MAX_BYTES, and room for its multipart framing. */
export const UPLOAD_BODY_LIMIT = LOGO_MAX_BYTES + 64 * 1024;

/** Where a file may be uploaded: an organization's page (its logo form), as a multipart body. */
const UPLOAD_PATH = /^\/app\/organizations\/[^/]+(\.data)?$/;

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/** A request the platform refuses before any route sees it, answered with the site's error page. */
export interface Refusal {
  status: 400 | 413 | 415;
  message: string;
  /** The body was not read to its end: the connection cannot carry another request. */
  closeConnection: boolean;
}

export type RenderRefusal = (req: ExpressRequest, res: ExpressResponse, refusal: Refusal) => void;

const bodies = new WeakMap<ExpressRequest, Buffer>();

/** The body that limitRequestBodies read and checked (empty for GET and HEAD). */
export function requestBody(req: ExpressRequest): Buffer | undefined {
  return bodies.get(req);
}

/** The limit for one request: only the logo form's multipart posts get the larger one. */
export function bodyLimitFor(path: string, contentType: string): number {
  return contentType === "multipart/form-data" && UPLOAD_PATH.test(path) ? UPLOAD_BODY_LIMIT : FORM_BODY_LIMIT;
}

function kilobytes(bytes: number) {
  return `${Math.round(bytes / 1024).toLocaleString("en-US")} KB`;
}

/**
 * Reads the body of every request that may change something, before any route, session or
 * password work: a declared Content-Length over the limit is refused at once, a body without one
 * (chunked) is counted while it streams and refused when it passes the limit, so no more than
 * the limit is ever held in memory. Only forms are accepted (every action of the site takes
 * one); a multipart body that does not parse (no boundary, cut short) is refused here, so a
 * route never meets a body it cannot read. The checked bytes are handed to the Remix handler.
 */
export function limitRequestBodies(render: RenderRefusal): RequestHandler {
  return (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    const contentType = (req.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    const limit = bodyLimitFor(req.path, contentType);
    const tooLarge: Refusal = {
      status: 413,
      message: `What you sent is larger than this form accepts (at most ${kilobytes(limit)}). Nothing was saved. Shorten it and send it again.`,
      closeConnection: true,
    };
    if (!FORM_TYPES.has(contentType)) {
      return render(req, res, {
        status: 415,
        message: "This address accepts only forms sent from the site's pages. Nothing was saved.",
        closeConnection: true,
      });
    }
    const declared = req.get("Content-Length");
    if (declared !== undefined && !(Number(declared) <= limit)) return render(req, res, tooLarge);

    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      // Past the limit: stop keeping anything and answer now, whatever is still on its way.
      refused = true;
      chunks.length = 0;
      req.off("data", onData);
      render(req, res, tooLarge);
    };
    const onEnd = async () => {
      if (refused) return;
      const body = Buffer.concat(chunks, size);
      if (contentType === "multipart/form-data" && !(await parsesAsForm(body, req.get("Content-Type")!))) {
        return render(req, res, {
          status: 400,
          message: "The form could not be read: it arrived incomplete or malformed. Nothing was saved. Send it again from the page.",
          closeConnection: false,
        });
      }
      bodies.set(req, body);
      next();
    };
    req.on("data", onData);
    req.on("end", () => void onEnd());
    // A client that goes away mid-body gets no answer; nothing was kept.
    req.on("error", () => req.destroy());
  };
}

async function parsesAsForm(body: Buffer, contentType: string): Promise<boolean> {
  try {
    await new Response(new Uint8Array(body), { headers: { "Content-Type": contentType } }).formData();
    return true;
  } catch {
    return false;
  }
}

/** How long a refused upload may keep sending (its bytes dropped) so that the client reads the answer. */
const LINGER_MS = 1_000;

/**
 * Sends a refusal and, when the body was not read, closes the connection: what is still coming is
 * dropped unread for a moment (so the client is not reset before it reads the answer), then the
 * socket is destroyed.
 */
export function sendRefusalAndClose(req: ExpressRequest, res: ExpressResponse, refusal: Refusal, send: () => void) {
  if (refusal.closeConnection) {
    res.setHeader("Connection", "close");
    res.on("finish", () => {
      req.removeAllListeners("data");
      req.resume();
      const socket = req.socket;
      const timer = setTimeout(() => socket.destroy(), LINGER_MS);
      timer.unref();
      socket.once("close", () => clearTimeout(timer));
    });
  }
  send();
}
