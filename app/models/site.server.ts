import type { AppLoadContext } from "@remix-run/node";
import { getCoalition, listPillars } from "../../db/queries/coalition";

export async function getSiteName(context: AppLoadContext) {
  const coalition = await getCoalition(context.database.db);
  return { siteName: coalition?.name ?? "CARE Table", shortName: coalition?.shortName ?? "CARE Table" };
}

/** Everything the public home page shows about the coalition. */
export async function getSiteProfile(context: AppLoadContext) {
  const [coalition, pillars] = await Promise.all([
    getCoalition(context.database.db),
    listPillars(context.database.db),
  ]);
  if (!coalition) throw new Error("The coalition's profile is missing: the seed did not run.");
  return { coalition, pillars };
}
