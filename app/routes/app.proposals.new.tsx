import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirectDocument } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ProposalDetailsForm } from "../components/proposal-details-form";
import { replyInvalid, replyWithError } from "../lib/forms.server";
import { requirePermission } from "../lib/session.server";
import { listOrganizationChoices, startProposal } from "../models/proposals.server";
import { proposalDetailsSchema } from "../schemas/proposal.server";
import proposalStyles from "../styles/proposals.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: proposalStyles }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePermission(request, context, "proposal:create");
  return {
    organizations: await listOrganizationChoices(context),
    leadChoice: person.role === "convener",
    leadName: person.organizationName,
    leadOrganizationId: person.organizationId ?? "",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePermission(request, context, "proposal:create");
  const submission = parseWithZod(await request.formData(), { schema: proposalDetailsSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    const proposal = await startProposal(context, person, submission.value);
    // A document load: the editor page has its own security policy (inline caret styles).
    return redirectDocument(`/app/proposals/${proposal.id}?created=1`);
  } catch (error) {
    return replyWithError(submission, error);
  }
}

export default function NewProposal() {
  const { organizations, leadChoice, leadName, leadOrganizationId } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/app/proposals">← Proposals</Link>
      </p>
      <h1>New proposal</h1>
      <p>Start with the details; you and the other organizations write the text together on the next page.</p>
      <ProposalDetailsForm
        id="new-proposal"
        lastResult={lastResult}
        defaultValue={{ title: "", summary: "", pillars: [], leadOrganizationId, sponsorIds: [] }}
        organizations={organizations}
        leadChoice={leadChoice}
        leadName={leadName}
        submitLabel="Start the proposal"
      />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "New proposal · CARE Table" }];
