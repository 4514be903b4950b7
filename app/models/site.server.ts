import type { AppLoadContext } from "@remix-run/node";
import { recordAudit } from "../../db/queries/audit";
import {
  getCoalition,
  getCoalitionForUpdate,
  listPillars,
  updateCoalition,
  updatePillarDescription,
  type SiteText,
} from "../../db/queries/coalition";
import { listMemberOrganizations } from "../../db/queries/organizations";
import type { PillarKey } from "../../db/schema";
import { logoPath } from "../lib/logos";

/**
 * What every page's frame shows (header and footer): public, the same for everyone, and kept
 * with the public pages until the site's text changes (one query less on every page).
 */
export function getSiteFrame(context: AppLoadContext) {
  return context.pages.keep("site-frame", async () => {
    const coalition = await getCoalition(context.database.db);
    return {
      siteName: coalition?.name ?? "CARE Table",
      shortName: coalition?.shortName ?? "CARE Table",
      convenerLine: coalition?.convenerLine ?? "",
      contactEmail: coalition?.contactEmail ?? "",
    };
  });
}

/** Everything the public home page shows about the coalition. */
export async function getSiteProfile(context: AppLoadContext) {
  const [coalition, pillars] = await Promise.all([getCoalition(context.database.db), listPillars(context.database.db)]);
  if (!coalition) throw new Error("The coalition's profile is missing: the seed did not run.");
  return { coalition, pillars };
}

/** The member organizations shown publicly (not those that left), with their logos' addresses. */
export async function listPublicMembers(context: AppLoadContext) {
  const rows = await listMemberOrganizations(context.database.db);
  return rows.map((o) => ({
    id: o.id,
    name: o.name,
    shortName: o.shortName,
    website: o.website && /^https?:\/\//i.test(o.website) ? o.website : null,
    description: o.description,
    pillars: o.pillars,
    logo: o.logoSha256 && o.logoType ? { src: logoPath(o.id, o.logoSha256, o.logoType), width: o.logoWidth, height: o.logoHeight } : null,
  }));
}

export type PublicMember = Awaited<ReturnType<typeof listPublicMembers>>[number];

/**
 * Saves the site's text and the pillars' descriptions in one transaction, audited with what
 * changed. Every public page shows some of it: all kept pages are cleared.
 */
export async function saveSiteText(
  context: AppLoadContext,
  actorId: string,
  text: SiteText,
  pillarDescriptions: Record<PillarKey, string>,
) {
  await context.database.db.transaction(async (tx) => {
    const before = await getCoalitionForUpdate(tx);
    if (!before) throw new Error("The coalition's profile is missing: the seed did not run.");
    const pillarsBefore = await listPillars(tx);
    await updateCoalition(tx, text);
    const pillarsChanged = pillarsBefore.filter((p) => pillarDescriptions[p.key] !== p.description);
    for (const pillar of pillarsChanged) await updatePillarDescription(tx, pillar.key, pillarDescriptions[pillar.key]);
    const changed = (Object.keys(text) as (keyof SiteText)[]).filter((k) => before[k] !== text[k]);
    if (changed.length === 0 && pillarsChanged.length === 0) return;
    await recordAudit(tx, {
      actorId,
      action: "site.updated",
      subjectType: "site",
      before: {
        ...Object.fromEntries(changed.map((k) => [k, before[k]])),
        pillars: Object.fromEntries(pillarsChanged.map((p) => [p.key, p.description])),
      },
      after: {
        ...Object.fromEntries(changed.map((k) => [k, text[k]])),
        pillars: Object.fromEntries(pillarsChanged.map((p) => [p.key, pillarDescriptions[p.key]])),
      },
    });
  });
  context.pages.invalidate("site");
}
