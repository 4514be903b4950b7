import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import express from "express";
import crypto from "node:crypto";
import path from "node:path";
import { pinoHttp } from "pino-http";
import type { AppServices } from "../app/lib/context";
import { publicFolder } from "./paths";
import { createRemixHandler } from "./remix-handler";
import { limitRequestBodies } from "./request-body";
import { compressResponses, servePrecompressed } from "./compression";
import { requireSameOrigin, securityHeaders } from "./security";

/**
 * The HTTP application: security headers, request logs, the Origin check, health checks, static
 * files, then Remix. The collaboration WebSocket is attached to the HTTP server, not here.
 */
export function createApp(
  services: AppServices,
  build: ServerBuild,
  options: {
    /** Runs the handling of a request that may change something, and answers once others heard of it (server/notifications.ts `afterOwnNotices`). */
    settle?: <T>(handle: () => Promise<T>) => Promise<T>;
  } = {},
): express.Express {
  const { env, log } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY);

  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const id = crypto.randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
    }),
  );
  app.use(securityHeaders(env));
  app.use(compressResponses());

  app.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").type("text/plain").send("ok");
  });
  app.get("/readyz", async (_req, res) => {
    const report = await services.readiness.report();
    if (!report.ok) log.error({ checks: report.checks }, "readiness check failed");
    res
      .status(report.ok ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json(report);
  });

  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));

  app.use(servePrecompressed(publicFolder));
  // Fingerprinted build assets never change under one name: cache them for a year.
  app.use("/build", express.static(path.join(publicFolder, "build"), { immutable: true, maxAge: "1y", index: false }));
  // The other static files (favicon.svg) all have an extension: pages are not looked for on disk.
  const publicFiles = express.static(publicFolder, { maxAge: "1h", index: false });
  app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? publicFiles(req, res, next) : next()));

  const remix = createRemixHandler(build, {
    mode: env.NODE_ENV,
    publicUrl: env.PUBLIC_URL,
    settle: options.settle,
    loadContext: (req, refusal): AppLoadContext => ({
      ...services,
      requestId: String(req.id),
      clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
      nonce: crypto.randomBytes(16).toString("base64"),
      refusal,
    }),
  });

  app.use(requireSameOrigin(env));
  // Bodies are bounded and checked before any route, session or password work sees them.
  app.use(limitRequestBodies(remix.refuse));
  app.use(services.pages.fill());
  // Remix's documents carry a policy made for the page (app/entry.server.tsx): drop the default
  // so that a response never has two.
  app.use((_req, res, next) => {
    res.removeHeader("Content-Security-Policy");
    next();
  });

  app.all("*", remix.handle);
  return app;
}
