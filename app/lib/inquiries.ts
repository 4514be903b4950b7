import type { InquiryStatus, OrganizationKind } from "../../db/schema";

/** The kinds of organization the public form offers, in the words people read. */
export const organizationKindWords: Record<OrganizationKind, string> = {
  patient_advocacy: "Patient advocacy group",
  supporting: "Supporting organization",
  other: "Other",
};
export const organizationKinds = Object.keys(organizationKindWords) as [OrganizationKind, ...OrganizationKind[]];

export const inquiryStatusWords: Record<InquiryStatus, string> = {
  new: "New",
  contacted: "Contacted",
  accepted: "Accepted",
  declined: "Declined",
};
export const inquiryStatuses = Object.keys(inquiryStatusWords) as [InquiryStatus, ...InquiryStatus[]];

/**
 * How an inquiry moves: new → contacted → accepted or declined (a convener may also accept or
 * decline one straight away). Accepted and declined are closed: kept for the retention period,
 * then deleted.
 */
export const nextInquiryStatuses: Record<InquiryStatus, readonly InquiryStatus[]> = {
  new: ["contacted", "accepted", "declined"],
  contacted: ["accepted", "declined"],
  accepted: [],
  declined: [],
};

/** Size limits of the public form, shared by its schema and its hints. */
export const INQUIRY_LIMITS = { name: 200, organization: 200, message: 5000 } as const;

/** The name of the honeypot field: hidden from people and assistive technology, filled by bots. */
export const HONEYPOT_FIELD = "homepage";
