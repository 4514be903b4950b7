import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { expectConsoleError } from "../support/fail-on-console-error";
import { createTestDatabase } from "../support/database";
import { startTestServer, type TestServer } from "../support/server";

describe("/readyz", () => {
  let server: TestServer;
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startTestServer({ database, env: { INSTANCE_NAME: "ready-test" } });
  });
  afterAll(() => server?.close());

  it("reports each dependency as JSON, and answers 503 once the database is gone", async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("cache-control")).toBe("no-store");
    const body = (await ready.json()) as { ok: boolean; instance: string; checks: Record<string, string> };
    expect(body).toMatchObject({ ok: true, instance: "ready-test", checks: { database: "ok" } });
    // PostgreSQL: the notification listener too; PGlite (one process): nothing to listen to.
    if (database.kind === "postgres") expect(body.checks.notifications).toBe("ok");
    else expect(body.checks.notifications).toBeUndefined();

    expectConsoleError();
    await database.close();
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ok: false, checks: { database: "down" } });
  });
});
