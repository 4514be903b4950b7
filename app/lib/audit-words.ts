/** Audit actions in words people read. Unknown actions show as they are stored. */
const words: Record<string, string> = {
  "person.created": "account created",
  "invitation.created": "invitation sent",
  "invitation.accepted": "invitation accepted",
  "invitation.revoked": "invitation withdrawn",
  "password_reset.issued": "password-reset link issued",
  "password_reset.used": "password reset with a link",
  "person.password.changed": "password changed",
  "person.profile.updated": "profile updated",
  "person.deactivated": "person deactivated",
  "person.reactivated": "person reactivated",
  "person.voter.granted": "may now vote for their organization",
  "person.voter.revoked": "may no longer vote for their organization",
  "person.role.convener": "made a convener",
  "person.role.representative": "made a representative",
  "organization.created": "organization added",
  "organization.updated": "organization edited",
  "organization.status.active": "organization reinstated",
  "organization.status.suspended": "organization suspended",
  "organization.status.left": "organization marked as having left",
  "organization.logo.updated": "organization logo uploaded",
  "organization.logo.removed": "organization logo removed",
  "inquiry.received": "membership inquiry received",
  "inquiry.contacted": "membership inquiry marked as contacted",
  "inquiry.declined": "membership inquiry declined",
  "inquiry.accepted": "membership inquiry accepted",
  "inquiry.note.updated": "private note on a membership inquiry edited",
  "inquiry.deleted": "closed membership inquiries deleted after the retention period",
  "site.updated": "public site text edited",
  "proposal.created": "proposal started",
  "proposal.updated": "proposal details changed",
  "proposal.revision.created": "proposal version saved",
  "proposal.locked": "proposal locked for a consensus round",
  "proposal.unlocked": "proposal unlocked",
  "proposal.status.adopted": "proposal adopted",
  "proposal.status.archived": "proposal archived",
  "comment.created": "comment posted",
  "comment.edited": "comment changed",
  "comment.hidden": "comment hidden",
  "round.opened": "consensus round opened",
  "round.closed": "consensus round closed",
  "round.extended": "round deadline extended",
  "round.cancelled": "consensus round cancelled",
  "round.reminded": "reminder sent to organizations without an answer",
  "round.outcome_written": "outcome statement written",
  "round.response_written": "response to an objection written",
  "ballot.cast": "ballot cast",
  "ballot.changed": "ballot changed",
  "ballot.recorded": "ballot recorded by a convener",
};

export function auditActionLabel(action: string): string {
  return words[action] ?? action;
}

export function describeAuditEvent(action: string, actorName: string | null): string {
  return `${actorName ?? "The platform"}: ${auditActionLabel(action)}`;
}
