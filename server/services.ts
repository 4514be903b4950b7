import type { ServerBuild } from "@remix-run/node";
import { sql } from "drizzle-orm";
import http from "node:http";
import type { AppServices } from "../app/lib/context";
import type { Database } from "../db/client";
import { createApp } from "./app";
import { createCollaboration, type Collaboration } from "./collab/index";
import { collectWhenQuiet } from "./quiet-collection";
import type { CollabLimits } from "./collab/limits";
import type { Env } from "./env";
import { startInquiryRetention } from "./jobs/inquiry-retention";
import { startMailDigest } from "./jobs/mail-digest";
import { runRoundSchedulerOnce, startRoundScheduler, type RoundScheduler } from "./jobs/round-scheduler";
import type { Logger } from "./logger";
import { startMailDelivery } from "./mail";
import { PageCache, withPageCache } from "./page-cache";
import { createRateLimiters, memoryLimiter, redisLimiter } from "./rate-limit";
import { Readiness, type CheckState } from "./readiness";
import { connectRedis, type SharedRedis } from "./redis";
import { createNotifications, type Notifications } from "./notifications";
import { createRoundEvents } from "./round-events";

export interface ServiceOptions {
  env: Env;
  log: Logger;
  database: Database;
  collabLimits?: Partial<CollabLimits>;
  /**
   * Which background jobs run in this process. The server runs them all; tests choose (the round
   * scheduler's interval, or `false` to call `rounds.runOnce` themselves).
   */
  jobs?: { roundScheduler?: number | false; inquiryRetention?: boolean; mailDigest?: boolean };
}

/** Everything one server process is made of, before it listens. */
export interface ServerServices {
  /** What every loader and action gets (app/lib/context.ts). */
  app: AppServices;
  collaboration: Collaboration;
  /** Notices to and from the other processes on the database (PostgreSQL LISTEN/NOTIFY). */
  notifications: Notifications;
  /** The shared Redis connection, when REDIS_URL is set. */
  redis: SharedRedis | undefined;
  rounds: Pick<RoundScheduler, "runOnce" | "stop">;
  /** Page requests (health probes aside) and document changes so far: quiet while it stays put (quiet-collection.ts). */
  activity(): number;
  /** The HTTP server with the page cache in front of Express and the collaboration upgrade attached (not listening). */
  createHttpServer(build: ServerBuild, server?: http.Server): http.Server;
  /**
   * Stops in order: the jobs that write, collaboration (connections closed, everything pending
   * committed), then `closeHttp` (open requests finish), then mail and Redis. The database is
   * its owner's to close, after this.
   */
  stop(closeHttp?: () => Promise<void>): Promise<void>;
}

/**
 * The one place the server's parts are put together, used by server/index.ts and the tests'
 * server (tests/support/server.ts) alike. Without REDIS_URL everything is in this process, as
 * it always was.
 */
export async function createServices(options: ServiceOptions): Promise<ServerServices> {
  const { env, log, database } = options;
  const jobs = { roundScheduler: 2_000, inquiryRetention: true, mailDigest: true, ...options.jobs };
  const redis = env.REDIS_URL ? await connectRedis({ url: env.REDIS_URL, prefix: env.REDIS_PREFIX, log }) : undefined;

  const mail = startMailDelivery({
    db: database.db,
    smtpUrl: env.SMTP_URL,
    from: env.MAIL_FROM,
    log,
    leaseMs: env.MAIL_LEASE_SECONDS * 1000,
  });
  const inquiryRetention = jobs.inquiryRetention ? startInquiryRetention({ db: database.db, log }) : undefined;
  const mailDigest = jobs.mailDigest ? startMailDigest({ db: database.db, mail, log }) : undefined;
  const collaboration = createCollaboration({
    db: database.db,
    log,
    publicUrl: env.PUBLIC_URL,
    secure: env.secure,
    trustProxy: env.TRUST_PROXY,
    limits: options.collabLimits,
    // Its own two connections (one publishes, one subscribes), with the same prefix.
    redis: env.REDIS_URL ? { url: env.REDIS_URL, prefix: env.REDIS_PREFIX } : undefined,
    instance: env.INSTANCE_NAME,
    deriveWorkers: env.DERIVE_WORKERS,
  });
  await collaboration.start();
  // Invalidations and round notices reach the other processes on the same PostgreSQL database.
  const notifications = createNotifications({ database, log, instance: env.INSTANCE_NAME });
  const pages = new PageCache();
  pages.onInvalidate((change) => notifications.publish({ kind: "pages", change }));
  const roundEvents = createRoundEvents((roundId) => notifications.publish({ kind: "round", roundId }));
  notifications.onNotice((notice) => {
    if (notice.kind === "pages") pages.clear(notice.change);
    else roundEvents.deliver(notice.roundId);
  });
  notifications.onResume(() => {
    pages.clear("all");
    roundEvents.deliverAll();
  });
  const limits = createRateLimiters(redis ? redisLimiter(redis) : memoryLimiter);
  const readiness = new Readiness(env.INSTANCE_NAME);
  // Page requests (health probes aside) and document changes: what makes this process busy.
  let requests = 0;
  const activity = () => requests + collaboration.changes();
  const quiet = collectWhenQuiet({ activity, log });
  readiness.add("database", async (): Promise<CheckState> => {
    await database.db.execute(sql`select 1`);
    return "ok";
  });
  // A process that cannot hear the others' invalidations could serve stale pages: out of rotation until it listens again.
  if (notifications.state() !== undefined) readiness.add("notifications", () => notifications.state() ?? "down");
  // Reported, never failing readiness: every process keeps serving while Redis is away (limits
  // count in memory meanwhile), and a shared Redis blinking must not take every process out at once.
  if (redis)
    readiness.add("redis", async () => (redis.isReady() && (await redis.client.ping()) === "PONG" ? ("ok" as const) : ("down" as const)), {
      required: false,
    });
  const app: AppServices = { database, env, log, mail, limits, collab: collaboration.service, pages, roundEvents, readiness };

  // Rounds close at their deadline and reminders go out with no request needed.
  const roundServices = { database, env, log, mail, collab: collaboration.service, pages, roundEvents };
  const rounds =
    jobs.roundScheduler === false
      ? { runOnce: () => runRoundSchedulerOnce(roundServices), stop: async () => {} }
      : startRoundScheduler(roundServices, { intervalMs: jobs.roundScheduler });

  return {
    app,
    collaboration,
    notifications,
    redis,
    rounds,
    activity,
    createHttpServer(build, server = http.createServer()) {
      server.on("request", (req: http.IncomingMessage) => {
        if (req.url !== "/healthz" && req.url !== "/readyz") requests++;
      });
      server.on("request", withPageCache(pages, createApp(app, build, { settle: (handle) => notifications.afterOwnNotices(handle) })));
      collaboration.attach(server);
      return server;
    },
    async stop(closeHttp) {
      quiet.stop();
      await rounds.stop();
      await collaboration.stop();
      await closeHttp?.();
      // The last requests' round notices, before the connection that sends them ends.
      roundEvents.flush();
      await mail.stop();
      await inquiryRetention?.stop();
      await mailDigest?.stop();
      await notifications.stop();
      await redis?.close();
    },
  };
}
