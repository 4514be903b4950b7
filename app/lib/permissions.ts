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
  "comment:write",
  "comment:hide",
  "round:manage",
  "ballot:cast",
  "ballot:record",
  "position:publish",
] as const;
export type Action = (typeof actions)[number];

type Rule = boolean | "own-active-organization" | "own-organization-voter";

/**
 * The table. `true`: always; `false`: never; "own-active-organization": only while the person's
 * organization is active (a suspended organization's representatives read but do not write);
 * "own-organization-voter": additionally, the person can vote for their organization and the
 * resource belongs to that organization.
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
}

export function can(actor: Actor | null | undefined, action: Action, resource?: Resource): boolean {
  if (!actor) return false;
  const rule = permissionTable[action][actor.role];
  if (typeof rule === "boolean") return rule;
  if (actor.organizationId === null || actor.organizationStatus !== "active") return false;
  if (rule === "own-active-organization") return true;
  return actor.canVote && resource?.organizationId === actor.organizationId;
}
