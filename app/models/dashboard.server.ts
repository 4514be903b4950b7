import type { AppLoadContext } from "@remix-run/node";
import { countDashboard, listRecentActivity } from "../../db/queries/dashboard";
import type { SessionPerson } from "../../db/queries/sessions";
import { listOpenRounds, listOpenRoundsForOrganization } from "../../db/queries/rounds";
import { describeAuditEvent } from "../lib/audit-words";
import { can } from "../lib/permissions";
import { ballotOptionLabels } from "../lib/round-outcome";
import { formatInstant } from "../lib/time";
import { readerTimeZone } from "./time-zone.server";

export async function getDashboard(context: AppLoadContext, person: SessionPerson) {
  const db = context.database.db;
  const zone = await readerTimeZone(context, person);
  const activity = await listRecentActivity(db, { personId: person.id, organizationId: person.organizationId, limit: 10 });
  const rounds = can(person, "round:manage")
    ? (await listOpenRounds(db)).map((r) => ({ ...r, option: null }))
    : person.organizationId
      ? await listOpenRoundsForOrganization(db, person.organizationId)
      : [];
  return {
    rounds: rounds.map((r) => ({
      id: r.id,
      proposalTitle: r.proposalTitle,
      deadline: formatInstant(r.deadline, zone),
      deadlineIso: r.deadline.toISOString(),
      answer: r.option ? ballotOptionLabels[r.option] : null,
    })),
    activity: activity.map((a) => ({
      seq: a.seq,
      at: a.at.toISOString(),
      when: formatInstant(a.at, zone),
      text: describeAuditEvent(a.action, a.actorName),
    })),
    counts: can(person, "organization:manage") ? await countDashboard(db) : { organizations: 0, people: 0, pendingInvitations: 0 },
  };
}
