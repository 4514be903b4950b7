import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { rawRequest } from "../support/raw-http";
import { startTestServer, type TestServer } from "../support/server";
import { rowCounts } from "../support/snapshot";

/*
 * A post whose Host or X-Forwarded-Host is not the site's is refused by the platform's own check
 * (server/security.ts) with a message, before Remix's guard would throw a 500; a page asked for
 * with any Host is served from PUBLIC_URL's address, never a 500.
 */
let server: TestServer;
let cookie: string;

beforeAll(async () => {
  server = await startTestServer({ roundScheduler: false, env: { TRUST_PROXY: "1" } });
  const convener = await makePerson(server.database.db, { role: "convener" });
  const client = new TestClient(server.url);
  await signInAs(server.database.db, client, convener.id);
  cookie = `care_session=${client.cookie("care_session")}`;
});
afterAll(() => server?.close());

const host = () => new URL(server.url).host;

describe("a post addressed to another host", () => {
  it.each([
    ["Host", { Host: "evil.example" }],
    ["Host with another port", { Host: "127.0.0.1:1" }],
    ["X-Forwarded-Host", { "X-Forwarded-Host": "evil.example" }],
    ["X-Forwarded-Host list", { "X-Forwarded-Host": "evil.example, 127.0.0.1" }],
    ["empty X-Forwarded-Host then a bad Host", { "X-Forwarded-Host": "", Host: "a b" }],
  ])("is refused with 400 and a message (%s)", async (_name, headers) => {
    const before = await rowCounts(server.database.db);
    for (const path of ["/login", "/app/site", "/join"]) {
      const res = await rawRequest(server.url, {
        path,
        headers: { Host: host(), ...headers, Origin: server.origin, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: "intent=save&name=Hijacked&email=a%40example.org&password=x",
      });
      expect(res.status, path).toBe(400);
      expect(res.text).toContain("was addressed to another host");
    }
    expect(await rowCounts(server.database.db)).toEqual(before);
  });

  it("passes when Host and X-Forwarded-Host name the site", async () => {
    const res = await rawRequest(server.url, {
      path: "/login",
      headers: {
        Host: "internal:3000",
        "X-Forwarded-Host": host(),
        Origin: server.origin,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "email=nobody%40example.org&password=wrong-password",
    });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain("addressed to another host");
  });
});

describe("a page asked for with any Host", () => {
  it.each(["evil.example", "a b", "[", "127.0.0.1:99999", "x".repeat(5000)])("is served, never a 500: Host %s", async (value) => {
    const variants: Record<string, string>[] = [{ Host: value }, { Host: host(), "X-Forwarded-Host": value }];
    for (const headers of variants) {
      const res = await rawRequest(server.url, { method: "GET", path: "/login", headers });
      expect(res.status).toBe(200);
      // Addresses on the page are the site's own, whatever the request said.
      expect(res.text).not.toContain("evil.example");
    }
  });
});
