/**
 * Who may do what: one table of role × action, used by loaders, actions, the interface and the
 * collaboration server alike. Pure: no database, no request.
 */
export const roles = ["representative", "convener"] as const;
export type Role = (typeof roles)[number];

export const actions = [
  "app:enter",
  "profile:edit",
  "organization:manage",
  "person:manage",
  "outbox:read",
  "audit:read",
  "inquiry:manage",
  "site:edit",
  "proposal:read",
  "proposal:create",
  "proposal:edit",
  "proposal:edit-text",
  "proposal:suggest",
  "proposal:review",
  "proposal:open-editing",
  "comment:write",
  "comment:hide",
  "round:manage",
  "ballot:cast",
  "ballot:record",
  "position:publish",
] as const;
export type Action = (typeof actions)[number];

type Rule = boolean | "own-active-organization" | "own-organization-voter" | "sponsor" | "sponsor-or-open";

/**
 * The table. `true`: always; `false`: never; "own-active-organization": only while the person's
 * organization is active (a suspended organization's representatives read but do not write);
 * "own-organization-voter": additionally, the person can vote for their organization and the
 * resource belongs to that organization; "sponsor": the person's active organization leads or
 * co-sponsors the proposal; "sponsor-or-open": that, or a convener opened the proposal to direct
 * editing by every member organization.
 */
export const permissionTable: Record<Action, Record<Role, Rule>> = {
  "app:enter": { representative: true, convener: true },
  "profile:edit": { representative: true, convener: true },
  "organization:manage": { representative: false, convener: true },
  "person:manage": { representative: false, convener: true },
  "outbox:read": { representative: false, convener: true },
  "audit:read": { representative: false, convener: true },
  "inquiry:manage": { representative: false, convener: true },
  "site:edit": { representative: false, convener: true },
  "proposal:read": { representative: true, convener: true },
  "proposal:create": { representative: "own-active-organization", convener: true },
  "proposal:edit": { representative: "own-active-organization", convener: true },
  // The text itself: sponsors change it directly, every other active member suggests.
  "proposal:edit-text": { representative: "sponsor-or-open", convener: true },
  "proposal:suggest": { representative: "own-active-organization", convener: true },
  "proposal:review": { representative: "sponsor", convener: true },
  "proposal:open-editing": { representative: false, convener: true },
  "comment:write": { representative: "own-active-organization", convener: true },
  "comment:hide": { representative: false, convener: true },
  "round:manage": { representative: false, convener: true },
  "ballot:cast": { representative: "own-organization-voter", convener: false },
  "ballot:record": { representative: false, convener: true },
  "position:publish": { representative: false, convener: true },
};

export interface Actor {
  role: Role;
  organizationId: string | null;
  organizationStatus: "active" | "suspended" | "left" | null;
  canVote: boolean;
}

export interface Resource {
  /** The organization the resource belongs to (a ballot's organization). */
  organizationId?: string | null;
  /** A proposal's lead and co-sponsoring organizations. */
  sponsorOrganizationIds?: readonly string[];
  /** A proposal opened by a convener to direct editing by every member organization. */
  openEditing?: boolean;
}

export function can(actor: Actor | null | undefined, action: Action, resource?: Resource): boolean {
  if (!actor) return false;
  const rule = permissionTable[action][actor.role];
  if (typeof rule === "boolean") return rule;
  if (actor.organizationId === null || actor.organizationStatus !== "active") return false;
  if (rule === "own-active-organization") return true;
  if (rule === "sponsor" || rule === "sponsor-or-open") {
    if (rule === "sponsor-or-open" && resource?.openEditing === true) return true;
    return resource?.sponsorOrganizationIds?.includes(actor.organizationId) ?? false;
  }
  return actor.canVote && resource?.organizationId === actor.organizationId;
}
