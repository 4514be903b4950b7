import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORM_BODY_LIMIT, UPLOAD_BODY_LIMIT } from "../../server/request-body";
import { makeOrganization, makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { PNG_7x5 } from "../support/images";
import { formBytes, rawRequest } from "../support/raw-http";
import { startTestServer, type TestServer } from "../support/server";
import { rowCounts } from "../support/snapshot";

/*
 * Bodies are bounded and checked before any route sees them (server/request-body.ts): over the
 * limit is 413 with the site's error page and a closed connection, a body that is not a form is
 * 415, a multipart body that does not parse is 400; nothing is stored in any case.
 */
let server: TestServer;
let convenerCookie: string;

beforeAll(async () => {
  server = await startTestServer({ roundScheduler: false });
  const convener = await makePerson(server.database.db, { role: "convener" });
  const client = new TestClient(server.url);
  await signInAs(server.database.db, client, convener.id);
  convenerCookie = `care_session=${client.cookie("care_session")}`;
});
afterAll(() => server?.close());

const form = { "Content-Type": "application/x-www-form-urlencoded" };
const anonymousPaths = ["/login", "/setup", "/forgot", "/invite/x", "/reset/x", "/app/rounds/x", "/join"];

async function expectNothingStored(run: () => Promise<void>) {
  const before = await rowCounts(server.database.db);
  await run();
  expect(await rowCounts(server.database.db)).toEqual(before);
}

function expectTooLargePage(res: { status: number; text: string; headers: Record<string, unknown> }, limitKb: number) {
  expect(res.status).toBe(413);
  expect(res.headers["content-type"]).toContain("text/html");
  expect(res.text).toContain("<h1>What you sent is too large</h1>");
  expect(res.text).toContain(`larger than this form accepts (at most ${limitKb} KB)`);
  // The site's own frame: the public layout's skip link and home link.
  expect(res.text).toContain("Skip to main content");
}

describe("a body over the limit", () => {
  it.each(anonymousPaths)("is refused at once when its declared length is too large: %s", async (path) => {
    await expectNothingStored(async () => {
      let sent = 0;
      const chunk = Buffer.alloc(16 * 1024, "x");
      const res = await rawRequest(server.url, {
        path,
        headers: { ...form, Origin: server.origin, "Content-Length": String(100 * 1024 * 1024) },
        // The server answers before it reads the body: the client has sent almost nothing.
        body: () => (sent > 4 * 1024 * 1024 ? null : ((sent += chunk.length), chunk)),
        waitForCloseMs: 5_000,
      });
      expectTooLargePage(res, 64);
      expect(res.headers.connection).toBe("close");
      expect(res.closedByServer).toBe(true);
    });
  });

  it("is counted while it streams when it has no declared length (chunked)", async () => {
    await expectNothingStored(async () => {
      const res = await rawRequest(server.url, {
        path: "/login",
        headers: { ...form, Origin: server.origin },
        body: formBytes(10 * 1024 * 1024),
        waitForCloseMs: 5_000,
      });
      expectTooLargePage(res, 64);
      expect(res.closedByServer).toBe(true);
    });
  });

  it("lets a form at the limit through to its route", async () => {
    const res = await rawRequest(server.url, {
      path: "/login",
      headers: { ...form, Origin: server.origin },
      body: formBytes(FORM_BODY_LIMIT),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Enter email.");
  });

  it("gives the logo form a larger limit, and the logo its own message below it", async () => {
    const organization = await makeOrganization(server.database.db);
    const logo = (bytes: number) => {
      const body = new FormData();
      body.append("intent", "logo");
      body.append("logo", new Blob([new Uint8Array(Buffer.concat([PNG_7x5, Buffer.alloc(bytes)]))], { type: "image/png" }), "logo.png");
      return body;
    };
    const client = new TestClient(server.url);
    client.setCookie("care_session", convenerCookie.split("=")[1]!);
    await expectNothingStored(async () => {
      const overLogo = await client.post(`/app/organizations/${organization.id}`, logo(560 * 1024));
      expect(overLogo.status).toBe(413);
      expect(overLogo.text).toContain("The logo is larger than 512 KB.");
      const overBody = await client.post(`/app/organizations/${organization.id}`, logo(UPLOAD_BODY_LIMIT));
      expect(overBody.status).toBe(413);
      expect(overBody.text).toContain("at most 576 KB");
      // Only the logo form gets the larger limit: the same size as a plain form is refused.
      const res = await rawRequest(server.url, {
        path: `/app/organizations/${organization.id}`,
        headers: { ...form, Origin: server.origin, Cookie: convenerCookie },
        body: formBytes(100 * 1024),
      });
      expectTooLargePage(res, 64);
    });
  });
});

describe("a body that is not a form", () => {
  const boundary = "----care-table-test";
  const cases: [string, Record<string, string>, string, number, string][] = [
    ["text/plain", { "Content-Type": "text/plain" }, "email=a@example.org", 415, "This was not sent as a form"],
    ["JSON", { "Content-Type": "application/json" }, '{"email":"a@example.org","__proto__":{"x":1}}', 415, "This was not sent as a form"],
    ["no content type", {}, "email=a@example.org", 415, "This was not sent as a form"],
    ["multipart without a boundary", { "Content-Type": "multipart/form-data" }, "email=a", 400, "The form could not be read"],
    [
      "multipart cut short",
      { "Content-Type": `multipart/form-data; boundary=${boundary}` },
      `--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.org\r\n--${boundary}\r\nContent-Disposition: form-da`,
      400,
      "The form could not be read",
    ],
  ];
  it.each(cases)("is refused (%s) with a message, never 500", async (_name, headers, body, status, message) => {
    await expectNothingStored(async () => {
      for (const path of ["/login", "/join", "/app/rounds/x"]) {
        const res = await rawRequest(server.url, { path, headers: { ...headers, Origin: server.origin }, body });
        expect(res.status, path).toBe(status);
        expect(res.text).toContain(message);
      }
      const signedIn = await rawRequest(server.url, {
        path: "/app/site",
        headers: { ...headers, Origin: server.origin, Cookie: convenerCookie },
        body,
      });
      expect(signedIn.status).toBe(status);
    });
  });
});

describe("the refusal page", () => {
  it("is not found when asked for directly", async () => {
    const res = await new TestClient(server.url).get("/request-refused");
    expect(res.status).toBe(404);
  });
});
