import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../db/schema";
import { makeOrganization, makePerson, signIn, unique } from "../tests/support/factories";
import { TestClient } from "../tests/support/http";
import { startTestServer, type TestServer } from "../tests/support/server";

interface Received {
  to: string[];
  data: string;
}

describe("mail through SMTP", () => {
  let smtp: SMTPServer;
  let server: TestServer;
  const received: Received[] = [];
  let port = 0;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        let data = "";
        stream.on("data", (chunk: Buffer) => (data += chunk.toString()));
        stream.on("end", () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    port = (smtp.server.address() as AddressInfo).port;
    server = await startTestServer({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "CARE Table <care@example.org>" } });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it("sends an invitation and records it in the outbox as sent", async () => {
    const db = server.database.db;
    const convener = await makePerson(db, { role: "convener" });
    const organization = await makeOrganization(db);
    const admin = new TestClient(server.url);
    await signIn(admin, convener.email);
    const email = `${unique("smtp")}@example.org`;
    const res = await admin.post("/app/people", { intent: "invite", email, organizationId: organization.id });
    expect(res.status).toBe(200);

    const deadline = Date.now() + 10_000;
    let row: typeof outbox.$inferSelect | undefined;
    while (Date.now() < deadline) {
      [row] = await db.select().from(outbox).where(eq(outbox.toAddress, email));
      if (row?.status === "sent") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row?.status).toBe("sent");
    expect(row?.sentAt).toBeInstanceOf(Date);
    const mail = received.find((m) => m.to.includes(email));
    expect(mail?.data).toContain("/invite/");
    expect(mail?.data).toMatch(/^From: CARE Table <care@example\.org>/m);
  });
});
