import type { AppLoadContext } from "@remix-run/node";
import { validateSessionToken, type SessionPerson } from "../../db/queries/sessions";
import type { ServerBuild } from "@remix-run/node";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import type { Database } from "../../db/client";
import type { Collaboration } from "../../server/collab/index";
import type { RoundScheduler } from "../../server/jobs/round-scheduler";
import type { CollabLimits } from "../../server/collab/limits";
import { loadEnv, type Env } from "../../server/env";
import { createLogger, type Logger } from "../../server/logger";
import type { MailDelivery } from "../../server/mail";
import { remixBuildPath } from "../../server/paths";
import type { PageCache } from "../../server/page-cache";
import type { SharedRedis } from "../../server/redis";
import type { RoundEvents } from "../../server/round-events";
import { createServices } from "../../server/services";
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
  /** The shared Redis connection, when the test gave REDIS_URL. */
  redis: SharedRedis | undefined;
  /** What the quiet collection watches (server/services.ts). */
  activity(): number;
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
  const services = await createServices({
    env,
    log,
    database,
    collabLimits: options.collabLimits,
    // The periodic jobs other than the round scheduler are tested by calling them.
    jobs: { roundScheduler: options.roundScheduler ?? 2_000, inquiryRetention: false, mailDigest: false },
  });
  services.createHttpServer(await build, server);
  const { mail, pages, roundEvents } = services.app;
  return {
    url,
    origin: url,
    env,
    database,
    mail,
    collab: services.collaboration,
    pages,
    roundEvents,
    rounds: services.rounds,
    redis: services.redis,
    activity: services.activity,
    async close() {
      await services.stop(async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
      if (!options.database) await database.close();
    },
  };
}

/** What a model function needs of the Remix load context, from a test server (logging nothing). */
export function modelContext(server: TestServer): AppLoadContext {
  return {
    database: server.database,
    collab: server.collab.service,
    env: server.env,
    mail: server.mail,
    log: { info() {}, warn() {}, error() {} },
  } as unknown as AppLoadContext;
}

/** The signed-in person behind a `care_session=…` cookie header. */
export async function sessionPersonOf(server: TestServer, cookie: string): Promise<SessionPerson> {
  const session = await validateSessionToken(server.database.db, cookie.split("=")[1]!);
  return session!.person;
}
