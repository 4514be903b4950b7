import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";
import pg from "pg";
import type { Database } from "../db/client";
import type { Logger } from "./logger";
import type { PublicChange } from "./page-cache";

/** The PostgreSQL channel (one per database: every process on it hears every notice). */
export const CHANGES_CHANNEL = "care_changes";
/** The listener's application_name, so that it can be found in pg_stat_activity. */
export const LISTENER_NAME = "care-table-listener";

/** Sends a notice and counts the listening processes on this database (pg_stat_activity). */
const LISTENERS_QUERY = `select pg_notify($1, $2),
  (select count(*)::int from pg_stat_activity where datname = current_database() and application_name like $3) as listeners`;

/** How long a notice waits for its acknowledgements at the most (a request waits less: its timeout). */
const ACK_KEPT_MS = 5_000;

/** What one process tells the others: keys, never documents (NOTIFY payloads are small). */
export type Notice = { kind: "pages"; change: PublicChange | "all" } | { kind: "round"; roundId: string };

export interface Notifications {
  /** Tells every other process (not this one: it acted already). */
  publish(notice: Notice): void;
  /** A notice from another process. */
  onNotice(listener: (notice: Notice) => void): void;
  /** The listener was away and is back: notices may have been missed meanwhile. */
  onResume(listener: () => void): void;
  /** "ok" while listening, "down" while reconnecting; undefined when there is nothing to listen to (PGlite). */
  state(): "ok" | "down" | undefined;
  /**
   * Runs `work` (a request's handling), then resolves with its result once every other listening
   * process has acknowledged each "pages" notice published during it (it has cleared those pages),
   * or after `timeoutMs`: a request that changed something answers after this, so the next request
   * on any process sees the change. Only its own notices: concurrent requests do not wait for each
   * other's. "round" notices are not waited for (round streams follow them as they come).
   */
  afterOwnNotices<T>(work: () => Promise<T>, timeoutMs?: number): Promise<T>;
  /** Notices still waiting for acknowledgements (each is given up after 5 s). */
  waiting(): number;
  stop(): Promise<void>;
}

/**
 * Cache invalidations and "round changed" notices between the processes on one PostgreSQL
 * database, over LISTEN/NOTIFY (docs/decisions/086). One dedicated connection listens; when it
 * drops it reconnects (and LISTENs again) with a growing delay, and tells `onResume` listeners, who
 * clear what they keep. On PGlite (one process) there is no one to tell: everything is a no-op.
 */
export function createNotifications(options: {
  database: Database;
  log: Pick<Logger, "info" | "warn" | "error">;
  /** Added to the listener's application_name (INSTANCE_NAME). */
  instance?: string;
}): Notifications {
  const { database, log } = options;
  const noticeListeners: ((notice: Notice) => void)[] = [];
  const resumeListeners: (() => void)[] = [];
  const pool = database.pgPool;
  if (!pool) {
    return {
      publish() {},
      onNotice: (l) => void noticeListeners.push(l),
      onResume: (l) => void resumeListeners.push(l),
      state: () => undefined,
      afterOwnNotices: (work) => work(),
      waiting: () => 0,
      stop: async () => {},
    };
  }

  const origin = crypto.randomBytes(8).toString("hex");
  const applicationName = (options.instance ? `${LISTENER_NAME}:${options.instance}` : LISTENER_NAME).slice(0, 63);
  let client: pg.Client | undefined;
  let listening = false;
  let everListened = false;
  let stopped = false;
  let retries = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let seq = 0;
  /**
   * Published "pages" notices not yet acknowledged by every other listener, by sequence number:
   * who acknowledged, and how many listeners there were besides this one (once pg_notify answered).
   */
  const pending = new Map<number, { acks: Set<string>; others?: number }>();
  /** The notices published by the work `afterOwnNotices` runs (each request's own set). */
  const ownNotices = new AsyncLocalStorage<Set<number>>();
  let waiters: { notices: Set<number>; resolve: () => void }[] = [];
  const heard = (notices: Set<number>) => ![...notices].some((n) => pending.has(n));

  /** Drops a notice from `pending` once every other listener acknowledged it. */
  const settleNotice = (s: number) => {
    const entry = pending.get(s);
    if (!entry || entry.others === undefined || entry.acks.size < entry.others) return;
    pending.delete(s);
    wakeWaiters();
  };

  const wakeWaiters = () => {
    waiters = waiters.filter((w) => {
      if (heard(w.notices)) w.resolve();
      return !heard(w.notices);
    });
  };

  function received(message: pg.Notification) {
    if (message.channel !== CHANGES_CHANNEL || !message.payload) return;
    let parsed: { o?: unknown; s?: unknown; n?: unknown; a?: unknown; f?: unknown };
    try {
      parsed = JSON.parse(message.payload) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.a !== undefined) {
      // An acknowledgement: another process (`f`) acted on notice `s` of process `a`.
      const entry = parsed.a === origin ? pending.get(Number(parsed.s)) : undefined;
      if (entry && typeof parsed.f === "string") {
        entry.acks.add(parsed.f);
        settleNotice(Number(parsed.s));
      }
      return;
    }
    if (parsed.o === origin) return;
    const notice = parsed.n as Notice | undefined;
    if (!notice || (notice.kind !== "pages" && notice.kind !== "round")) return;
    for (const l of noticeListeners) {
      try {
        l(notice);
      } catch (error) {
        log.error({ err: error }, "notifications: a listener failed");
      }
    }
    // The pages are cleared (listeners run synchronously): the sender may answer its request now.
    if (notice.kind === "pages") {
      const ack = JSON.stringify({ a: parsed.o, s: parsed.s, f: origin });
      pool!.query("select pg_notify($1, $2)", [CHANGES_CHANNEL, ack]).catch((error: unknown) => {
        log.warn({ err: error }, "notifications: an acknowledgement could not be sent");
      });
    }
  }

  function lost(which: pg.Client, reason: string) {
    if (!client || client !== which) return;
    const old = client;
    client = undefined;
    old.removeAllListeners("notification");
    old.removeAllListeners("end");
    old.on("error", () => {});
    void old.end().catch(() => {});
    if (listening) log.warn({ reason }, "notifications: the listening connection was lost; reconnecting");
    listening = false;
    // No acknowledgement reaches this process while it is away: no one waits for them.
    pending.clear();
    wakeWaiters();
    schedule();
  }

  function schedule() {
    if (stopped || reconnectTimer) return;
    const delay = Math.min(250 * 2 ** retries, 5_000);
    retries++;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, delay);
    reconnectTimer.unref();
  }

  async function connect() {
    if (stopped) return;
    const next = new pg.Client({ ...pool!.options, keepAlive: true });
    next.on("error", (error) => lost(next, error.message));
    next.on("end", () => lost(next, "connection ended"));
    next.on("notification", received);
    client = next;
    try {
      await next.connect();
      // Set after connecting: a connection string's own application_name would win over an option.
      await next.query("select set_config('application_name', $1, false)", [applicationName]);
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      lost(next, error instanceof Error ? error.message : String(error));
      return;
    }
    if (client !== next || stopped) return;
    listening = true;
    retries = 0;
    if (everListened) {
      log.info("notifications: listening again; clearing what may have been missed");
      for (const l of resumeListeners) l();
    }
    everListened = true;
  }

  // A connection that hangs without an error is found by a query that does not come back.
  const probe = setInterval(() => {
    const current = client;
    if (!current || !listening) return;
    const timer = setTimeout(() => lost(current, "no answer to a probe within 5 s"), 5_000);
    current.query("select 1").then(
      () => clearTimeout(timer),
      (error: unknown) => {
        clearTimeout(timer);
        lost(current, error instanceof Error ? error.message : String(error));
      },
    );
  }, 10_000);
  probe.unref();

  void connect();

  return {
    publish(notice) {
      const s = ++seq;
      const payload = JSON.stringify({ o: origin, s, n: notice });
      // A "pages" notice is waited for until every other listener acknowledged it: pg_notify
      // counts them in the same statement (every process's listener, this one's included).
      const acknowledged = notice.kind === "pages" && listening;
      if (acknowledged) {
        pending.set(s, { acks: new Set() });
        ownNotices.getStore()?.add(s);
        // A listener counted but never answering (it died, or had not LISTENed yet) must not keep
        // the entry for ever: notices sent outside a request (the jobs) have no waiter to time out.
        setTimeout(() => {
          if (pending.delete(s)) wakeWaiters();
        }, ACK_KEPT_MS).unref();
      }
      pool
        .query<{ listeners: number }>(
          acknowledged ? LISTENERS_QUERY : "select pg_notify($1, $2)",
          acknowledged ? [CHANGES_CHANNEL, payload, `${LISTENER_NAME}%`] : [CHANGES_CHANNEL, payload],
        )
        .then(
          (result) => {
            const entry = pending.get(s);
            if (!entry) return;
            entry.others = Math.max(0, Number(result.rows[0]?.listeners ?? 1) - 1);
            settleNotice(s);
          },
          (error: unknown) => {
            pending.delete(s);
            wakeWaiters();
            log.error({ err: error, notice }, "notifications: a notice could not be sent");
          },
        );
    },
    onNotice: (l) => void noticeListeners.push(l),
    onResume: (l) => void resumeListeners.push(l),
    state: () => (listening ? "ok" : "down"),
    async afterOwnNotices(work, timeoutMs = 1_000) {
      const notices = new Set<number>();
      const result = await ownNotices.run(notices, work);
      if (!heard(notices)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          waiters.push({
            notices,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
      }
      return result;
    },
    waiting: () => pending.size,
    async stop() {
      stopped = true;
      clearInterval(probe);
      clearTimeout(reconnectTimer);
      const current = client;
      client = undefined;
      listening = false;
      for (const w of waiters) w.resolve();
      waiters = [];
      if (current) {
        current.removeAllListeners("end");
        current.on("error", () => {});
        await current.end().catch(() => {});
      }
    },
  };
}
