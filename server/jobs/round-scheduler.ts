import { listDueReminders, listOverdueRoundIds } from "../../db/queries/rounds";
import { releaseDue, type PositionCommandServices } from "../domain/positions";
import { closeRound, sendReminder, type RoundCommandServices } from "../domain/rounds";
import type { Logger } from "../logger";

/** What the scheduler needs: the round and position commands' services, and a log. */
export type RoundServices = RoundCommandServices & PositionCommandServices & { log: Pick<Logger, "info" | "error"> };

/** Reminders go out this long before a round's deadline. */
export const REMINDER_AHEAD_MS = 24 * 60 * 60 * 1000;

export interface RoundScheduler {
  /** One pass: close every overdue round, send every due reminder. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Closes rounds at their deadline, sends the 24-hour reminders and releases embargoed positions
 * at their time, inside the server process,
 * with no request needed. Exactly once with several processes on one database: closing locks the
 * round's row and does nothing to a round that is no longer open; a reminder is claimed by a
 * conditional update in the transaction that queues its mail; a release is a conditional update in
 * the transaction that queues its mail. A process killed mid-job leaves nothing half done: its
 * transaction rolls back and the next pass of any process does the job. A round whose deadline passed while no server ran is closed at the
 * first pass after start, recorded at its deadline.
 */
export function startRoundScheduler(services: RoundServices, options: { intervalMs?: number } = {}): RoundScheduler {
  const intervalMs = options.intervalMs ?? 2_000;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = () => runRoundSchedulerOnce(services);

  function runOnce(): Promise<void> {
    // One pass at a time in this process; a pass that fails is logged and the next one retries.
    running ??= pass()
      .catch((error: unknown) => services.log.error({ err: error }, "round scheduler pass failed"))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  const timer = setInterval(() => {
    if (!stopped) void runOnce();
  }, intervalMs);
  timer.unref();
  void runOnce();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** One scheduler pass, without the timer (tests, and the scheduler itself). */
export async function runRoundSchedulerOnce(services: RoundServices): Promise<void> {
  const db = services.database.db;
  for (const id of await listOverdueRoundIds(db)) {
    const closed = await closeRound(services, id, null);
    if (closed) services.log.info({ roundId: id, outcome: closed.outcome }, "round closed at its deadline");
  }
  for (const id of await listDueReminders(db, REMINDER_AHEAD_MS)) {
    if (await sendReminder(services, id, REMINDER_AHEAD_MS)) services.log.info({ roundId: id }, "round reminder sent");
  }
  await releaseDue(services);
}
