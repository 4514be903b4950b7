import type { ServerBuild } from "@remix-run/node";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import type { Database } from "../../db/client";
import { createApp } from "../../server/app";
import { createCollaboration, type Collaboration } from "../../server/collab/index";
import { runRoundSchedulerOnce, startRoundScheduler, type RoundScheduler } from "../../server/jobs/round-scheduler";
import type { CollabLimits } from "../../server/collab/limits";
import { loadEnv, type Env } from "../../server/env";
import { createLogger, type Logger } from "../../server/logger";
import { startMailDelivery, type MailDelivery } from "../../server/mail";
import { remixBuildPath } from "../../server/paths";
import { PageCache, withPageCache } from "../../server/page-cache";
import { createRateLimiters } from "../../server/rate-limit";
import { createRoundEvents, type RoundEvents } from "../../server/round-events";
import { createTestDatabase } from "./database";

export interface TestServer {
  url: string;
  origin: string;
  env: Env;
  database: Database;
  mail: MailDelivery;
  collab: Collaboration;
  pages: PageCache;
  roundEvents: RoundEvents;
  rounds: Pick<RoundScheduler, "runOnce" | "stop">;
  close(): Promise<void>;
}

let build: Promise<ServerBuild> | undefined;

/**
 * The real application (Express, security middleware, the Remix build) on port 0, over a fresh
 * test database. PUBLIC_URL is the server's own address, so Origin checks behave as in production.
 */
export async function startTestServer(
  options: {
    database?: Database;
    env?: Record<string, string>;
    logLevel?: string;
    /** A logger of the test's own (to read what the server logs); else JSON lines on stdout. */
    log?: Logger;
    collabLimits?: Partial<CollabLimits>;
    /** The round scheduler's interval; `false` leaves it off (tests then call `runOnce`). */
    roundScheduler?: number | false;
  } = {},
): Promise<TestServer> {
  build ??= import(pathToFileURL(remixBuildPath).href) as Promise<ServerBuild>;
  const database = options.database ?? (await createTestDatabase());
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const env = loadEnv({ NODE_ENV: "test", PORT: String(port), PUBLIC_URL: url, LOG_LEVEL: "silent", ...options.env });
  const log = options.log ?? createLogger(options.logLevel ?? process.env.TEST_LOG_LEVEL ?? env.LOG_LEVEL);
  const mail = startMailDelivery({ db: database.db, smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, log });
  const collab = createCollaboration({ db: database.db, log, publicUrl: env.PUBLIC_URL, secure: env.secure, limits: options.collabLimits });
  const pages = new PageCache();
  const roundEvents = createRoundEvents();
  const app = createApp(
    { database, env, log, mail, limits: createRateLimiters(), collab: collab.service, pages, roundEvents },
    await build,
  );
  const services = { database, env, log, mail, collab: collab.service, pages, roundEvents };
  const rounds =
    options.roundScheduler === false
      ? { runOnce: () => runRoundSchedulerOnce(services), stop: async () => {} }
      : startRoundScheduler(services, { intervalMs: options.roundScheduler ?? 2_000 });
  server.on("request", withPageCache(pages, app));
  collab.attach(server);
  return {
    url,
    origin: url,
    env,
    database,
    mail,
    collab,
    pages,
    roundEvents,
    rounds,
    async close() {
      await rounds.stop();
      await collab.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mail.stop();
      if (!options.database) await database.close();
    },
  };
}
