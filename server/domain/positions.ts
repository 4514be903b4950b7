import type { Database } from "../../db/client";
import { getPosition, releaseDuePositions } from "../../db/queries/positions";
import type { Logger } from "../logger";
import type { PageCache } from "../page-cache";
import type { MailServices } from "./mail";
import { mailPositionPublished } from "./round-mail";

/** What the scheduler's position command needs (framework-free: server/jobs/ imports it). */
export type PositionCommandServices = MailServices & {
  database: Pick<Database, "db">;
  pages: Pick<PageCache, "invalidate">;
  log: Pick<Logger, "info">;
};

/** Embargoed positions whose time has come: published now, and the cached pages refreshed. */
export async function releaseDue(context: PositionCommandServices) {
  // The release and its mail in one transaction: the mail exists iff the position is public.
  const released = await context.database.db.transaction(async (tx) => {
    const ids = await releaseDuePositions(tx);
    for (const id of ids) {
      const position = await getPosition(tx, id);
      if (position) await mailPositionPublished(tx, context, { roundId: position.roundId, title: position.title, slug: position.slug });
    }
    return ids;
  });
  if (released.length > 0) {
    context.mail.nudge();
    context.pages.invalidate("positions");
    context.log.info({ positions: released }, "embargoed positions released");
  }
  return released;
}
