import { afterAll, beforeAll, expect, it } from "vitest";
import { connectCollab, makeProposal, signedInCookie, typeInto, type TestCollabClient } from "../support/collab";
import { makeOrganization } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

// The server collects its freed memory once this count stays put (server/quiet-collection.ts).
let server: TestServer;
const clients: TestCollabClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

it("counts page requests and document changes, and not the health probes a load balancer or Docker sends", async () => {
  const db = server.database.db;
  const organization = await makeOrganization(db);
  const proposal = await makeProposal(db, { leadOrganizationId: organization.id });
  const writer = await signedInCookie(server.url, db, { organizationId: organization.id });

  const before = server.activity();
  for (const probe of ["/healthz", "/readyz"]) expect((await fetch(server.url + probe)).ok).toBe(true);
  expect(server.activity()).toBe(before);

  expect((await fetch(server.url + "/members")).status).toBe(200);
  expect(server.activity()).toBe(before + 1);

  const client = connectCollab(server.url, proposal.id, { cookie: writer.cookie, saved: true });
  clients.push(client);
  await client.synced();
  const connected = server.activity();
  typeInto(client.doc, "Coverage for every child.");
  await client.saved();
  expect(server.activity()).toBeGreaterThan(connected);
});
