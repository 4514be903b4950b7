import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { inquiryStatuses, inquiryStatusWords, organizationKindWords } from "../lib/inquiries";
import { requirePermission } from "../lib/session.server";
import { formatInstant } from "../lib/time";
import { readerTimeZone } from "../models/time-zone.server";
import { getInquiryRetentionMonths, listInquiriesForConveners } from "../models/inquiries.server";
import { TableScroll } from "../components/table-scroll";
import { inquiryFilterSchema } from "../schemas/inquiry.server";
import { Pager } from "../components/pager";
import { numberedPageLinks, readPageNumber } from "../lib/paging";

/** Inquiries on one page of the list. */
const PAGE_SIZE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "inquiry:manage");
  const params = new URL(request.url).searchParams;
  const status = inquiryFilterSchema.parse(params.get("status") || undefined);
  const page = readPageNumber(params);
  const zone = await readerTimeZone(context, person);
  const [{ inquiries, counts }, retentionMonths] = await Promise.all([
    listInquiriesForConveners(context, status, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    getInquiryRetentionMonths(context),
  ]);
  const total = status ? counts[status] : Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    status: status ?? null,
    page,
    first: (page - 1) * PAGE_SIZE + 1,
    pages: numberedPageLinks("/app/inquiries", { status }, page, page * PAGE_SIZE < total),
    counts,
    retentionMonths,
    inquiries: inquiries.map((i) => ({ ...i, received: formatInstant(i.createdAt, zone) })),
  };
}

export default function Inquiries() {
  const { status, counts, retentionMonths, inquiries, page, first, pages } = useLoaderData<typeof loader>();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const shown = status ? counts[status] : total;
  return (
    <>
      <h1>Membership inquiries</h1>
      <p>
        Inquiries sent through the public form. Mark them contacted once you have written back; accepting one adds the organization and
        invites the person who wrote. Accepted and declined inquiries are deleted {retentionMonths} months after they were closed (
        <Link to="/app/site">change the period</Link>).
      </p>
      <Form method="get" className="filter" aria-label="Filter inquiries">
        <div className="field">
          <label htmlFor="status-filter">Status</label>
          <select id="status-filter" name="status" defaultValue={status ?? ""} key={status}>
            <option value="">All ({total})</option>
            {inquiryStatuses.map((s) => (
              <option key={s} value={s}>
                {inquiryStatusWords[s]} ({counts[s]})
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="secondary">
          Show
        </button>
      </Form>
      {inquiries.length === 0 ? (
        <p className="empty">
          {page > 1
            ? "No more inquiries: this page is past the last one."
            : status
              ? `No ${inquiryStatusWords[status].toLowerCase()} inquiries.`
              : "No inquiries yet. They arrive through the form at /join."}
        </p>
      ) : (
        <TableScroll label="Inquiries">
          <table className="stack-table">
            <caption>
              {`${shown === 1 ? "One inquiry" : `${shown} inquiries`}${status ? `, ${inquiryStatusWords[status].toLowerCase()}` : ""}, newest first${
                pages.previous || pages.next ? `: ${first}–${first + inquiries.length - 1} (page ${page})` : ""
              }`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Organization</th>
                <th scope="col">From</th>
                <th scope="col">Kind</th>
                <th scope="col">Received</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {inquiries.map((i) => (
                <tr key={i.id}>
                  <th scope="row">
                    <Link to={`/app/inquiries/${i.id}`}>{i.organizationName}</Link>
                  </th>
                  <td data-label="From">{i.name}</td>
                  <td data-label="Kind">{organizationKindWords[i.organizationKind]}</td>
                  <td data-label="Received">{i.received}</td>
                  <td data-label="Status">
                    <span className={`badge status-${i.status}`}>{inquiryStatusWords[i.status]}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager label="Pages of inquiries" {...pages} where={`Page ${page}`} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Inquiries · CARE Table" }];
