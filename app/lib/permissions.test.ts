import { describe, expect, it } from "vitest";
import { actions, can, permissionTable, type Actor } from "./permissions";

const convener: Actor = { role: "convener", organizationId: null, organizationStatus: null, canVote: false };
const representative: Actor = { role: "representative", organizationId: "org-a", organizationStatus: "active", canVote: false };
const voter: Actor = { ...representative, canVote: true };
const suspendedVoter: Actor = { ...voter, organizationStatus: "suspended" };
const leftVoter: Actor = { ...voter, organizationStatus: "left" };

/** The expected answer for every cell: [convener, representative, voter, suspended voter]. */
const expected: Record<(typeof actions)[number], [boolean, boolean, boolean, boolean]> = {
  "app:enter": [true, true, true, true],
  "profile:edit": [true, true, true, true],
  "organization:manage": [true, false, false, false],
  "person:manage": [true, false, false, false],
  "outbox:read": [true, false, false, false],
  "audit:read": [true, false, false, false],
  "inquiry:manage": [true, false, false, false],
  "site:edit": [true, false, false, false],
  "proposal:read": [true, true, true, true],
  "proposal:create": [true, true, true, false],
  "proposal:edit": [true, true, true, false],
  "proposal:edit-text": [true, false, false, false],
  "proposal:suggest": [true, true, true, false],
  "proposal:review": [true, false, false, false],
  "proposal:open-editing": [true, false, false, false],
  "comment:write": [true, true, true, false],
  "comment:hide": [true, false, false, false],
  "round:manage": [true, false, false, false],
  "ballot:cast": [false, false, true, false],
  "ballot:record": [true, false, false, false],
  "position:publish": [true, false, false, false],
};

describe("the permission table, cell by cell", () => {
  it("has an expectation for every action", () => {
    expect(Object.keys(expected).sort()).toEqual([...actions].sort());
    expect(Object.keys(permissionTable).sort()).toEqual([...actions].sort());
  });

  for (const action of actions) {
    it(`${action}`, () => {
      const own = { organizationId: "org-a" };
      const [c, r, v, s] = expected[action];
      expect(can(convener, action, own)).toBe(c);
      expect(can(representative, action, own)).toBe(r);
      expect(can(voter, action, own)).toBe(v);
      expect(can(suspendedVoter, action, own)).toBe(s);
    });
  }

  it("refuses everything to nobody", () => {
    for (const action of actions) expect(can(null, action)).toBe(false);
  });

  it("lets a voter cast only their own organization's ballot", () => {
    expect(can(voter, "ballot:cast", { organizationId: "org-a" })).toBe(true);
    expect(can(voter, "ballot:cast", { organizationId: "org-b" })).toBe(false);
    expect(can(voter, "ballot:cast")).toBe(false);
  });

  it("lets the lead and co-sponsors edit and review, others suggest, and open editing lets every member edit", () => {
    const sponsored = { sponsorOrganizationIds: ["org-a", "org-c"] };
    const other = { sponsorOrganizationIds: ["org-b"] };
    expect(can(representative, "proposal:edit-text", sponsored)).toBe(true);
    expect(can(representative, "proposal:review", sponsored)).toBe(true);
    expect(can(representative, "proposal:edit-text", other)).toBe(false);
    expect(can(representative, "proposal:review", other)).toBe(false);
    expect(can(representative, "proposal:suggest", other)).toBe(true);
    expect(can(representative, "proposal:edit-text", { ...other, openEditing: true })).toBe(true);
    expect(can(representative, "proposal:review", { ...other, openEditing: true })).toBe(false);
    expect(can(suspendedVoter, "proposal:edit-text", { sponsorOrganizationIds: ["org-a"], openEditing: true })).toBe(false);
    expect(can(suspendedVoter, "proposal:suggest", sponsored)).toBe(false);
  });

  it("treats an organization that left like a suspended one", () => {
    expect(can(leftVoter, "ballot:cast", { organizationId: "org-a" })).toBe(false);
    expect(can(leftVoter, "proposal:edit")).toBe(false);
    expect(can(leftVoter, "proposal:read")).toBe(true);
  });
});
