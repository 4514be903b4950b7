import * as Y from "yjs";
import { organizations, proposalUpdates } from "../../db/schema";
import { makeProposal } from "./collab";
import { makeOrganization, makePerson, signInAs } from "./factories";
import { TestClient } from "./http";
import type { TestServer } from "./server";

/** A paragraph of the editor's schema, as Yjs XML. */
export function paragraph(text: string, marks?: Record<string, unknown>) {
  const p = new Y.XmlElement("paragraph");
  const t = new Y.XmlText();
  t.insert(0, text, marks);
  p.insert(0, [t]);
  return p;
}

/** Writes a document into a proposal's update log, as the collaboration server stores it. */
export async function writeProposalText(
  server: Pick<TestServer, "database">,
  proposalId: string,
  build: (fragment: Y.XmlFragment) => void,
) {
  const doc = new Y.Doc();
  build(doc.getXmlFragment("default"));
  await server.database.db.insert(proposalUpdates).values({ proposalId, update: Y.encodeStateAsUpdate(doc) });
}

/**
 * A proposal with text, put to a round that one endorsing organization (the only eligible one)
 * adopts; `admin` is a signed-in convener's client.
 */
export async function adoptProposal(
  server: Pick<TestServer, "database" | "url">,
  admin: TestClient,
  options: { title?: string; text?: string; build?: (f: Y.XmlFragment) => void; listPublicly?: boolean; endorserName?: string } = {},
) {
  const db = server.database.db;
  await db.update(organizations).set({ votingMember: false });
  const lead = await makeOrganization(db, { votingMember: false });
  const endorser = await makeOrganization(db, { name: options.endorserName ?? `Endorser ${Math.random().toString(36).slice(2, 7)}` });
  const voter = await makePerson(db, { organizationId: endorser.id, canVote: true });
  const proposal = await makeProposal(db, { title: options.title ?? "A proposal", leadOrganizationId: lead.id });
  await writeProposalText(server, proposal.id, options.build ?? ((f) => f.insert(0, [paragraph(options.text ?? "The adopted text.")])));
  const open = await admin.post(`/app/proposals/${proposal.id}/round`, {
    deadline: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16),
    quorum: "1/1",
    thresholdPercent: "80",
  });
  const roundId = open.location?.match(/rounds\/([0-9a-f-]{36})/)?.[1];
  if (!roundId) throw new Error(`the round did not open: ${open.status}`);
  const client = new TestClient(server.url);
  await signInAs(db, client, voter.id);
  await client.post(`/app/rounds/${roundId}`, {
    intent: "cast",
    option: "endorse",
    ...(options.listPublicly === false ? {} : { listPublicly: "on" }),
  });
  const closed = await admin.post(`/app/rounds/${roundId}`, { intent: "close", confirm: "yes" });
  if (closed.status !== 302) throw new Error(`the round did not close: ${closed.status}`);
  return { roundId, endorser, proposal };
}
