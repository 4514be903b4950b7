import type { RequestHandler } from "express";
import helmet from "helmet";
import type { Env } from "./env";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every request that can change something must come from a page of this site: its Origin (or,
 * for the rare browser that sends none, its Referer) must be PUBLIC_URL's origin. A request with
 * neither is refused too: browsers always send one of them with a form post. The host it is
 * addressed to (X-Forwarded-Host's first value, else Host) must be PUBLIC_URL's host as well:
 * Remix compares the same headers before an action and throws (a 500) when they differ, so they
 * are refused here first, with a message. (A proxy in front must pass the public Host on.)
 */
export function requireSameOrigin(env: Env): RequestHandler {
  const publicHost = new URL(env.PUBLIC_URL).host;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get("Origin") ?? originOf(req.get("Referer"));
    if (origin !== env.PUBLIC_URL) {
      return void res.status(403).type("text/plain").send("This request did not come from this site, so it was refused.");
    }
    const addressedTo = req.get("X-Forwarded-Host")?.split(",")[0]?.trim() || req.get("Host");
    if (addressedTo?.toLowerCase() !== publicHost) {
      return void res
        .status(400)
        .type("text/plain")
        .send(
          `This request was addressed to another host (${JSON.stringify((addressedTo ?? "").slice(0, 100))}) than the page it came from (${publicHost}), so it was refused. Nothing was saved.`,
        );
    }
    next();
  };
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Headers for every response. Document responses replace the Content-Security-Policy with one
 * that fits the page (no script at all on public pages, a nonce on signed-in pages): see
 * app/entry.server.tsx. This default covers everything else (assets, plain-text errors).
 */
export function securityHeaders(env: Env): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'none'"],
        "img-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
      },
    },
    strictTransportSecurity: env.secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: "deny" },
  });
}
