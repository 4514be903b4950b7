import type { AppLoadContext } from "@remix-run/node";
import { recordAudit } from "../../db/queries/audit";
import {
  addSlug,
  getPosition,
  getPositionForUpdate,
  getReleasedPositionBySlug,
  getRoundForPublishing,
  insertPosition,
  listAllPositions,
  listPositionsPage,
  listEndorserWebsites,
  listPublicEndorsers,
  listReleasedPositions,
  slugTaken,
  MATCH_END,
  MATCH_START,
  updatePosition,
  type PositionListFilter,
} from "../../db/queries/positions";
import type { Db } from "../../db/client";
import { getCoalition } from "../../db/queries/coalition";
import type { PillarKey } from "../../db/schema";
import { deriveBodyFromState, displayBodyHtml } from "../../server/collab/derive";
import { logoPath } from "../lib/logos";
import { readingGradeTenths } from "../lib/reading-grade.server";
import { slugify } from "../lib/slug";
import { formatDate } from "../lib/time";
import { UserFacingError } from "./auth.server";
import { mailPositionPublished } from "../../server/domain/round-mail";
import { isUuid } from "../lib/uuid";

type Services = Pick<AppLoadContext, "database" | "pages" | "log" | "mail" | "env">;

async function uniqueSlug(db: Db, title: string): Promise<string> {
  const base = slugify(title);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await slugTaken(db, candidate))) return candidate;
  }
}

/** What the publish form shows: the adopted round's proposal, or why it cannot be published. */
export async function getPublishing(context: Services, roundId: string) {
  if (!isUuid(roundId)) return null;
  const found = await getRoundForPublishing(context.database.db, roundId);
  if (!found) return null;
  return {
    roundId,
    proposalTitle: found.proposalTitle,
    proposalSummary: found.proposalSummary,
    outcome: found.round.outcome,
    published: found.positionSlug ? { slug: found.positionSlug, title: found.positionTitle ?? found.proposalTitle } : null,
  };
}

export interface PublishInput {
  title: string;
  summary: string;
  releaseAt: Date | null;
}

/**
 * Publishes an adopted round's revision as a position. The public HTML is rendered once, here,
 * from the frozen revision through the editor's schema and the allow-list sanitizer; the
 * endorsers' names are those on the roster; the audit chain's head is this publication's event.
 */
export async function publishPosition(context: Services, actorId: string, roundId: string, input: PublishInput) {
  if (!isUuid(roundId)) return null;
  const db = context.database.db;
  const position = await db.transaction(async (tx) => {
    const found = await getRoundForPublishing(tx, roundId);
    if (!found) return null;
    if (found.round.outcome !== "adopted") {
      throw new UserFacingError("Only the text of an adopted round can be published as a position.", 409);
    }
    if (found.positionId) throw new UserFacingError("This round's text is already published.", 409);
    const now = new Date();
    if (input.releaseAt && input.releaseAt <= now) {
      throw new UserFacingError("The release time must be in the future (or left empty to publish now).", 400, "releaseAt");
    }
    const body = deriveBodyFromState(found.revisionState);
    const endorsers = (await listPublicEndorsers(tx, roundId)).map((e) => ({
      organizationId: e.organizationId,
      name: e.name,
      logo: e.logoSha && e.logoType ? logoPath(e.organizationId, e.logoSha, e.logoType) : null,
    }));
    const tally = (found.round.tally ?? {}) as { answered?: number; rosterSize?: number };
    const slug = await uniqueSlug(tx, input.title);
    const releaseAt = input.releaseAt ?? now;
    const row = await insertPosition(tx, {
      slug,
      roundId,
      proposalId: found.round.proposalId,
      revisionId: found.round.revisionId,
      title: input.title,
      summary: input.summary,
      readingGradeTenths: readingGradeTenths(input.summary) ?? 0,
      pillars: found.pillars,
      html: body.html,
      text: body.text,
      fingerprint: found.fingerprint,
      auditHead: "",
      endorsers,
      participants: tally.answered ?? 0,
      rosterSize: tally.rosterSize ?? 0,
      status: input.releaseAt ? "scheduled" : "published",
      adoptedAt: found.round.closedAt ?? now,
      releaseAt,
      publishedById: actorId,
    });
    const head = await recordAudit(tx, {
      actorId,
      action: input.releaseAt ? "position.scheduled" : "position.published",
      subjectType: "position",
      subjectId: row.id,
      after: { slug, title: input.title, roundId, fingerprint: found.fingerprint, releaseAt },
    });
    if (!input.releaseAt) await mailPositionPublished(tx, context, { roundId, title: input.title, slug });
    return updatePosition(tx, row.id, { auditHead: head });
  });
  context.mail.nudge();
  context.pages.invalidate("positions");
  return position;
}

/** A convener changes a position's public title or summary; the old address keeps working. */
export async function revisePosition(context: Services, actorId: string, id: string, input: { title: string; summary: string }) {
  if (!isUuid(id)) return null;
  const result = await context.database.db.transaction(async (tx) => {
    const before = await getPositionForUpdate(tx, id);
    if (!before) return null;
    let slug = before.slug;
    if (slugify(input.title) !== slugify(before.title)) {
      slug = await uniqueSlug(tx, input.title);
      await addSlug(tx, id, slug);
    }
    const after = await updatePosition(tx, id, {
      title: input.title,
      summary: input.summary,
      slug,
      readingGradeTenths: readingGradeTenths(input.summary) ?? 0,
    });
    await recordAudit(tx, {
      actorId,
      action: "position.revised",
      subjectType: "position",
      subjectId: id,
      before: { title: before.title, summary: before.summary, slug: before.slug },
      after: { title: input.title, summary: input.summary, slug },
    });
    return after;
  });
  context.pages.invalidate("positions");
  return result;
}

/** Withdraws a position (its page stays, marked), or marks it superseded by a newer one. */
export async function retirePosition(
  context: Services,
  actorId: string,
  id: string,
  change: { kind: "withdraw"; reason: string } | { kind: "supersede"; successorId: string },
) {
  if (!isUuid(id)) return null;
  const result = await context.database.db.transaction(async (tx) => {
    const before = await getPositionForUpdate(tx, id);
    if (!before) return null;
    if (before.status === "withdrawn" || before.status === "superseded") {
      throw new UserFacingError(`This position is already ${before.status}.`, 409);
    }
    if (change.kind === "supersede") {
      if (!isUuid(change.successorId) || change.successorId === id) {
        throw new UserFacingError("Choose the newer position that replaces it.", 400, "successorId");
      }
      const successor = await getPositionForUpdate(tx, change.successorId);
      if (!successor || successor.status === "withdrawn" || successor.status === "superseded") {
        throw new UserFacingError("Choose a current position as the one that replaces it.", 400, "successorId");
      }
    }
    const after = await updatePosition(
      tx,
      id,
      change.kind === "withdraw"
        ? { status: "withdrawn", withdrawnAt: new Date(), withdrawReason: change.reason }
        : { status: "superseded", supersededById: change.successorId },
    );
    await recordAudit(tx, {
      actorId,
      action: change.kind === "withdraw" ? "position.withdrawn" : "position.superseded",
      subjectType: "position",
      subjectId: id,
      before: { status: before.status },
      after: change.kind === "withdraw" ? { status: "withdrawn", reason: change.reason } : { status: "superseded", by: change.successorId },
    });
    return after;
  });
  context.pages.invalidate("positions");
  return result;
}

/** A released position for the public page: null for unknown, embargoed and anything unpublished. */
export async function getPublicPosition(context: Services, slug: string) {
  if (!/^[a-z0-9-]{1,120}$/.test(slug)) return null;
  return getReleasedPositionBySlug(context.database.db, slug);
}

export async function listPublicPositions(context: Services, filter: PositionListFilter) {
  return listReleasedPositions(context.database.db, filter);
}

/** One page of the conveners' list of positions, latest release first. */
export async function listPositionsForConveners(context: Services, page: { limit: number; offset: number }) {
  return listPositionsPage(context.database.db, page);
}

export function isPillar(value: string | null): value is PillarKey {
  return value === "coverage" || value === "access" || value === "research" || value === "equity";
}

/** One position for its convener page (embargoed too), with the choices of successor. */
export async function getPositionForConveners(context: Services, id: string) {
  if (!isUuid(id)) return null;
  const db = context.database.db;
  const position = await getPosition(db, id);
  if (!position) return null;
  const others = (await listAllPositions(db)).filter((p) => p.id !== id && (p.status === "published" || p.status === "scheduled"));
  return { position, others };
}

/** A position as the public and the JSON API see it (nothing the public should not read). */
export function publicView(position: NonNullable<Awaited<ReturnType<typeof getReleasedPositionBySlug>>>, timeZone: string) {
  return {
    slug: position.slug,
    title: position.title,
    summary: position.summary,
    pillars: position.pillars,
    status: position.status === "scheduled" ? ("published" as const) : position.status,
    adoptedAt: position.adoptedAt.toISOString(),
    publishedAt: position.releaseAt.toISOString(),
    adopted: formatDate(position.adoptedAt, timeZone),
    published: formatDate(position.releaseAt, timeZone),
    html: position.html,
    endorsers: position.endorsers.map((e) => ({ name: e.name, logo: e.logo })),
    participants: position.participants,
    rosterSize: position.rosterSize,
    fingerprint: position.fingerprint,
    auditHead: position.auditHead,
    readingGrade: position.readingGradeTenths / 10,
    withdrawnAt: position.withdrawnAt?.toISOString() ?? null,
    withdrawReason: position.withdrawReason,
    successor: position.successor,
  };
}

/**
 * A position as its public page shows it: the public view, its text with its headings below the
 * page's section headings, the endorsers linked to their sites, and the coalition's name and
 * contact address for the printed copy.
 */
export async function positionPage(
  context: Services,
  position: NonNullable<Awaited<ReturnType<typeof getReleasedPositionBySlug>>>,
  timeZone: string,
) {
  const db = context.database.db;
  const [websites, coalition] = await Promise.all([
    listEndorserWebsites(
      db,
      position.endorsers.map((e) => e.organizationId),
    ),
    getCoalition(db),
  ]);
  const view = publicView(position, timeZone);
  return {
    ...view,
    // The page's sections are h2: the text's own headings start at h3.
    html: displayBodyHtml(view.html, 2),
    endorsers: position.endorsers.map((e) => ({ name: e.name, logo: e.logo, website: websites.get(e.organizationId) ?? null })),
    coalitionName: coalition?.name ?? "",
    contactEmail: coalition?.contactEmail ?? "",
    address: new URL(`/positions/${position.slug}`, context.env.PUBLIC_URL).toString(),
  };
}

export interface TextSegment {
  text: string;
  match: boolean;
}

/** Splits a search headline into plain and matching parts (rendered as <mark>, never as HTML). */
function segments(headline: string): TextSegment[] {
  const out: TextSegment[] = [];
  for (const part of headline.split(MATCH_START)) {
    const end = part.indexOf(MATCH_END);
    if (end === -1) {
      if (part) out.push({ text: part, match: false });
    } else {
      out.push({ text: part.slice(0, end), match: true });
      if (part.slice(end + 1)) out.push({ text: part.slice(end + 1), match: false });
    }
  }
  return out;
}

/** Released positions as the public lists show them (newest first, or by relevance when searching). */
export async function listPositionCards(
  context: Services & Pick<AppLoadContext, "database">,
  filter: PositionListFilter,
  timeZone: string,
) {
  const { rows, total } = await listReleasedPositions(context.database.db, filter);
  return {
    total,
    positions: rows.map((r) => ({
      slug: r.slug,
      title: r.titleHeadline ? segments(r.titleHeadline) : [{ text: r.title, match: false }],
      summary: r.headline ? segments(r.headline) : [{ text: r.summary, match: false }],
      pillars: r.pillars,
      status: r.status === "scheduled" ? ("published" as const) : r.status,
      adopted: formatDate(r.adoptedAt, timeZone),
      adoptedAt: r.adoptedAt.toISOString(),
    })),
  };
}

export type PositionCard = Awaited<ReturnType<typeof listPositionCards>>["positions"][number];
