import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setOrganizationStatus, updateOrganization } from "../../db/queries/organizations";
import { auditEvents, organizationLogos } from "../../db/schema";
import { makeOrganization, makePerson, signIn, unique } from "../support/factories";
import { TestClient, type TestResponse } from "../support/http";
import { JPEG_7x5, PNG_7x5, WEBP_7x5_EXTENDED } from "../support/images";
import { startTestServer, type TestServer } from "../support/server";

/** Every public HTML page. */
const publicRoutes = [
  "/",
  "/members",
  "/positions",
  "/join",
  "/join/thanks",
  "/pillars/coverage",
  "/pillars/access",
  "/pillars/research",
  "/pillars/equity",
];

let server: TestServer;
let convener: Awaited<ReturnType<typeof makePerson>>;

beforeAll(async () => {
  server = await startTestServer();
  convener = await makePerson(server.database.db, { role: "convener" });
});
afterAll(() => server?.close());

let signedIn: TestClient | undefined;
/** The convener's browser, signed in once (logins are rate-limited per account). */
async function convenerClient() {
  if (!signedIn) {
    signedIn = new TestClient(server.url);
    await signIn(signedIn, convener.email);
  }
  return signedIn;
}

function expectDocumentSecurityHeaders(res: TestResponse, where: string) {
  const csp = res.headers.get("Content-Security-Policy") ?? "";
  expect(csp, where).toContain("script-src 'none'");
  expect(csp, where).toContain("frame-ancestors 'none'");
  expect(csp, where).toContain("object-src 'none'");
  expect(csp, where).toContain("base-uri 'none'");
  expect(csp, where).toContain("font-src 'self'");
  expect(res.headers.get("X-Content-Type-Options"), where).toBe("nosniff");
  expect(res.headers.get("Referrer-Policy"), where).toBe("strict-origin-when-cross-origin");
}

describe("every public page", () => {
  it.each(publicRoutes)("%s: security headers, public cache with an ETag, no script, 304 on a match", async (path) => {
    const client = new TestClient(server.url);
    const res = await client.get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expectDocumentSecurityHeaders(res, path);
    // Served over http here: no HSTS (see the https test below).
    expect(res.headers.get("Strict-Transport-Security")).toBeNull();
    expect(res.headers.get("Cache-Control")).toMatch(/^public/);
    expect(res.headers.get("Set-Cookie")).toBeNull();
    expect(res.text.toLowerCase()).not.toContain("<script");
    expect(res.text).toMatch(/^<!DOCTYPE html><html lang="en-US">/);
    expect(res.text.match(/<h1[ >]/g)).toHaveLength(1);
    expect(res.text).toContain('<main id="main"');
    expect(res.text).toContain('href="#main"');

    const etag = res.headers.get("ETag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await client.get(path, { "If-None-Match": etag! });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("ETag")).toBe(etag);
    expect((await client.get(path, { "If-None-Match": '"something-else"' })).status).toBe(200);
  });

  it("is the same page for a signed-in person: public pages never read the session", async () => {
    const client = await convenerClient();
    for (const path of publicRoutes) {
      const anonymous = await new TestClient(server.url).get(path);
      const signedIn = await client.get(path);
      expect(signedIn.headers.get("ETag"), path).toBe(anonymous.headers.get("ETag"));
      expect(signedIn.headers.get("Set-Cookie"), path).toBeNull();
    }
  });

  it("carries HSTS when the site is served over https", async () => {
    const secure = await startTestServer({ database: server.database, env: { PUBLIC_URL: "https://care.example.org" } });
    try {
      for (const path of [...publicRoutes, "/pillars/unknown"]) {
        const res = await new TestClient(secure.url).get(path);
        expect(res.headers.get("Strict-Transport-Security"), path).toMatch(/max-age=31536000/);
        expectDocumentSecurityHeaders(res, path);
      }
    } finally {
      await secure.close();
    }
  });

  it("has a title, a description, a canonical address and Open Graph tags", async () => {
    const home = await new TestClient(server.url).get("/");
    expect(home.text).toContain("<title>Patient CARE Working Table</title>");
    expect(home.text).toContain('<meta name="description" content="Working Together to Improve Coverage, Access, Research, and Equity"/>');
    expect(home.text).toContain(`<link rel="canonical" href="${server.url}/"/>`);
    expect(home.text).toContain('<meta property="og:title" content="Patient CARE Working Table"/>');
    expect(home.text).toContain(`<meta property="og:url" content="${server.url}/"/>`);
    const titles = new Set<string>();
    for (const path of publicRoutes) {
      const res = await new TestClient(server.url).get(path);
      const title = /<title>([^<]+)<\/title>/.exec(res.text)?.[1];
      expect(title, path).toBeTruthy();
      titles.add(title!);
      expect(res.text, path).toMatch(/<meta name="description" content="[^"]{20,}"\/>/);
      expect(res.text, path).toContain(`<meta property="og:url" content="${server.url}${path}"/>`);
    }
    expect(titles.size).toBe(publicRoutes.length);
  });
});

describe("the home page", () => {
  it("shows the coalition, its vision, the four pillars, members, positions to come, the convener and the invitation", async () => {
    const res = await new TestClient(server.url).get("/");
    expect(res.text).toContain("<h1>Patient CARE Working Table</h1>");
    expect(res.text).toContain("is a collaboration of patient advocacy groups");
    expect(res.text).toContain("The shared Vision of the Patient CARE Working Table");
    for (const pillar of ["coverage", "access", "research", "equity"]) expect(res.text).toContain(`href="/pillars/${pillar}"`);
    expect(res.text).toContain("Ensuring comprehensive coverage for therapies");
    expect(res.text).toContain('<a href="https://www.autismspeaks.org" class="member-link">');
    expect(res.text).toContain("Positions will appear here");
    expect(res.text).toContain("Convened and Managed by Leavitt Partners");
    expect(res.text).toContain('href="/join"');
    expect(res.text).not.toContain("I&#x27;m a title");
  });

  it("does not list organizations that left the coalition", async () => {
    const gone = await makeOrganization(server.database.db, { name: unique("Departed Society") });
    const stays = await makeOrganization(server.database.db, { name: unique("Suspended Union") });
    await setOrganizationStatus(server.database.db, stays.id, "suspended");
    // Written straight to the database, not by a convener: the kept pages are told here.
    server.pages.invalidate("organizations");
    expect((await new TestClient(server.url).get("/")).text).toContain(gone.name);
    await setOrganizationStatus(server.database.db, gone.id, "left");
    server.pages.invalidate("organizations");
    for (const path of ["/", "/members"]) {
      const res = await new TestClient(server.url).get(path);
      expect(res.text, path).not.toContain(gone.name);
      expect(res.text, path).toContain(stays.name);
    }
  });
});

describe("members and pillars", () => {
  it("lists members with their descriptions, pillars and websites; only http(s) websites are links", async () => {
    const db = server.database.db;
    const member = await makeOrganization(db, { name: unique("Lung Alliance"), pillars: ["research", "equity"] });
    await updateOrganization(db, member.id, {
      website: "https://lungs.example.org",
      description: "We fund research.\n\nAnd we <b>advocate</b>.",
    });
    const odd = await makeOrganization(db, { name: unique("Odd Org") });
    await updateOrganization(db, odd.id, { website: "javascript:alert(1)" });
    // Written straight to the database, not by a convener: the kept pages are told here.
    server.pages.invalidate("organizations");

    const res = await new TestClient(server.url).get("/members");
    expect(res.text).toContain(`<h2>${member.name}</h2>`);
    expect(res.text).toContain("<p>We fund research.</p><p>And we &lt;b&gt;advocate&lt;/b&gt;.</p>");
    expect(res.text).toContain('<a data-discover="true" href="/pillars/research">Research</a>');
    expect(res.text).toContain('href="https://lungs.example.org"');
    expect(res.text).not.toContain("javascript:");

    const research = await new TestClient(server.url).get("/pillars/research");
    expect(research.text).toContain("<h1>Research</h1>");
    expect(research.text).toContain("Promoting policies that incentivize and fund innovative research");
    expect(research.text).toContain(member.name);
    expect((await new TestClient(server.url).get("/pillars/coverage")).text).not.toContain(member.name);
  });

  it("answers an unknown pillar with the same 404 as any unknown address, in the site's frame", async () => {
    const pillar = await new TestClient(server.url).get("/pillars/wellness");
    const nowhere = await new TestClient(server.url).get("/no/such/page");
    expect(pillar.status).toBe(404);
    expect(nowhere.status).toBe(404);
    // The same page (the head may differ only in a route's extra stylesheet).
    const body = (html: string) => html.slice(html.indexOf("<body>"));
    expect(body(pillar.text)).toBe(body(nowhere.text));
    expect(pillar.text).toContain("<title>Page not found · Patient CARE Working Table</title>");
    expect(pillar.text).toContain("<h1>Page not found</h1>");
    expect(pillar.text).toContain("Convened and Managed by Leavitt Partners");
    expect(pillar.text.toLowerCase()).not.toContain("<script");
    expect(pillar.headers.get("Cache-Control")).toBe("private, no-store");
    expectDocumentSecurityHeaders(pillar, "404");
  });
});

describe("robots.txt and sitemap.xml", () => {
  it("point crawlers at the public pages with absolute addresses", async () => {
    const robots = await new TestClient(server.url).get("/robots.txt");
    expect(robots.status).toBe(200);
    expect(robots.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(robots.text).toContain("Disallow: /app");
    expect(robots.text).toContain(`Sitemap: ${server.url}/sitemap.xml`);
    expect(robots.headers.get("X-Content-Type-Options")).toBe("nosniff");

    const sitemap = await new TestClient(server.url).get("/sitemap.xml");
    expect(sitemap.status).toBe(200);
    expect(sitemap.headers.get("Content-Type")).toBe("application/xml; charset=utf-8");
    for (const path of publicRoutes.filter((p) => p !== "/join/thanks")) {
      expect(sitemap.text).toContain(`<loc>${server.url}${path}</loc>`);
    }
    expect(sitemap.text).not.toContain("/app");
  });
});

describe("the site's text", () => {
  it("is edited by conveners at /app/site and shows on / at once, as plain text", async () => {
    const client = await convenerClient();
    const form = await client.get("/app/site");
    expect(form.status).toBe(200);
    const before = await new TestClient(server.url).get("/");

    const fields = {
      intent: "save",
      name: "Patient CARE Working Table",
      shortName: "Patient CARE",
      tagline: "Working together <em>now</em>",
      about: "First paragraph\nstill the first.\n\nSecond paragraph.",
      vision: "A new vision for <script>alert(1)</script> patients.",
      context: "",
      convenerLine: "Convened by Example Partners",
      contactEmail: "Hello@Example.org",
      inquiryRetentionMonths: "18",
      coverage: "Coverage, rewritten.",
      access: "Access matters.",
      research: "Research matters.",
      equity: "Equity matters.",
    };
    const saved = await client.post("/app/site", fields);
    expect(saved.status).toBe(302);
    expect(saved.location).toBe("/app/site?saved=1");

    const after = await new TestClient(server.url).get("/");
    expect(after.headers.get("ETag")).not.toBe(before.headers.get("ETag"));
    expect(after.text).toContain("Working together &lt;em&gt;now&lt;/em&gt;");
    expect(after.text).toContain("<p>First paragraph still the first.</p><p>Second paragraph.</p>");
    expect(after.text).toContain("A new vision for &lt;script&gt;alert(1)&lt;/script&gt; patients.");
    expect(after.text.toLowerCase()).not.toContain("<script");
    expect(after.text).toContain("Convened by Example Partners");
    expect(after.text).toContain('href="mailto:hello@example.org"');
    expect(after.text).toContain("Coverage, rewritten.");
    expect((await new TestClient(server.url).get("/pillars/access")).text).toContain("<p>Access matters.</p>");
    expect((await new TestClient(server.url).get("/join")).text).toContain("deleted after 18 months");

    const [event] = await server.database.db.select().from(auditEvents).where(eq(auditEvents.action, "site.updated"));
    expect(event?.actorId).toBe(convener.id);
    expect(event?.after).toMatchObject({ vision: fields.vision, pillars: { coverage: "Coverage, rewritten." } });
  });

  it("refuses bad values beside their fields and keeps what was typed", async () => {
    const client = await convenerClient();
    const res = await client.post("/app/site", {
      intent: "save",
      name: "Line one\nline two",
      shortName: "",
      about: "x",
      vision: "y",
      contactEmail: "not an address",
      inquiryRetentionMonths: "0",
      coverage: "c",
      access: "a",
      research: "r",
      equity: "",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Coalition name must be a single line of text.");
    expect(res.text).toContain("Enter short name.");
    expect(res.text).toContain("Enter a valid email address");
    expect(res.text).toContain("Keep closed inquiries at least 1 month.");
    expect(res.text).toContain("Enter equity.");
    expect(res.text).toContain('value="not an address"');
  });

  it("is for conveners only", async () => {
    const rep = new TestClient(server.url);
    await signIn(rep, (await makePerson(server.database.db)).email);
    expect((await rep.get("/app/site")).status).toBe(403);
    expect((await rep.post("/app/site", { name: "Hijacked" })).status).toBe(403);
    expect((await new TestClient(server.url).get("/app/site")).status).toBe(302);
  });
});

describe("logos", () => {
  function logoForm(bytes: Buffer, filename: string, type: string) {
    const form = new FormData();
    form.append("intent", "logo");
    form.append("logo", new Blob([new Uint8Array(bytes)], { type }), filename);
    return form;
  }

  async function upload(organizationId: string, bytes: Buffer, filename: string, type = "image/png") {
    const client = await convenerClient();
    return client.post(`/app/organizations/${organizationId}`, logoForm(bytes, filename, type));
  }

  async function storedLogo(organizationId: string) {
    const [row] = await server.database.db.select().from(organizationLogos).where(eq(organizationLogos.organizationId, organizationId));
    return row ?? null;
  }

  it("accepts a PNG, serves it by its hash with its type, a year's cache and nosniff, and shows it with the name as its text", async () => {
    const organization = await makeOrganization(server.database.db, { name: unique("Logo Society") });
    await updateOrganization(server.database.db, organization.id, { website: "https://logo.example.org" });
    const res = await upload(organization.id, PNG_7x5, "logo.png");
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/app/organizations/${organization.id}?saved=logo`);
    const stored = (await storedLogo(organization.id))!;
    expect(stored).toMatchObject({ contentType: "image/png", width: 7, height: 5 });

    const home = await new TestClient(server.url).get("/");
    const src = `/logos/${organization.id}/${stored.sha256}.png`;
    expect(home.text).toContain(
      `<a href="https://logo.example.org" class="member-link"><img class="member-logo org-logo-large" src="${src}" alt="${organization.name}" width="7" height="5"`,
    );

    const file = await fetch(server.url + src);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("image/png");
    expect(file.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(file.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(file.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG_7x5)).toBe(true);
    const revalidated = await fetch(server.url + src, { headers: { "If-None-Match": file.headers.get("ETag")! } });
    expect(revalidated.status).toBe(304);

    // Wrong hash, wrong extension, unknown organization: the same 404.
    for (const wrong of [
      `/logos/${organization.id}/${"0".repeat(64)}.png`,
      `/logos/${organization.id}/${stored.sha256}.jpg`,
      `/logos/00000000-0000-4000-8000-000000000000/${stored.sha256}.png`,
      `/logos/not-an-id/${stored.sha256}.png`,
    ]) {
      expect((await fetch(server.url + wrong)).status, wrong).toBe(404);
    }

    // An organization that left: its logo is no longer served.
    await setOrganizationStatus(server.database.db, organization.id, "left");
    server.pages.invalidate("organizations");
    expect((await fetch(server.url + src)).status).toBe(404);
  });

  it("accepts JPEG and WebP by their bytes, whatever the file is called", async () => {
    const organization = await makeOrganization(server.database.db);
    expect((await upload(organization.id, JPEG_7x5, "logo.png", "image/png")).status).toBe(302);
    expect((await storedLogo(organization.id))?.contentType).toBe("image/jpeg");
    expect((await upload(organization.id, WEBP_7x5_EXTENDED, "logo.gif", "image/gif")).status).toBe(302);
    const stored = (await storedLogo(organization.id))!;
    expect(stored.contentType).toBe("image/webp");
    const file = await fetch(`${server.url}/logos/${organization.id}/${stored.sha256}.webp`);
    expect(file.headers.get("Content-Type")).toBe("image/webp");
  });

  it.each([
    ["HTML renamed .png", Buffer.from("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"), "SVG or HTML"],
    [
      "SVG renamed .png",
      Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="5" height="5"/></svg>'),
      "SVG or HTML",
    ],
    ["a GIF", Buffer.from("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64"), "This file is a GIF file"],
    ["plain bytes", Buffer.from("just some text"), "not a picture we can read"],
  ])("refuses %s with a clear message and stores nothing", async (_name, bytes, message) => {
    const organization = await makeOrganization(server.database.db);
    const res = await upload(organization.id, bytes, "logo.png", "image/png");
    expect(res.status).toBe(415);
    expect(res.text).toContain(message);
    expect(res.text).toContain("Upload a PNG, JPEG or WebP image.");
    expect(await storedLogo(organization.id)).toBeNull();
  });

  it("refuses a logo over 512 KB and an empty file", async () => {
    const organization = await makeOrganization(server.database.db);
    const big = Buffer.concat([PNG_7x5, Buffer.alloc(512 * 1024)]);
    const res = await upload(organization.id, big, "big.png");
    expect(res.status).toBe(413);
    expect(res.text).toContain("The logo is larger than 512 KB.");
    const empty = await upload(organization.id, Buffer.alloc(0), "");
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Choose a logo file to upload.");
    expect(await storedLogo(organization.id)).toBeNull();
  });

  it("removes a logo, and only conveners may upload", async () => {
    const organization = await makeOrganization(server.database.db);
    expect((await upload(organization.id, PNG_7x5, "logo.png")).status).toBe(302);
    const client = await convenerClient();
    const removed = await client.post(`/app/organizations/${organization.id}`, { intent: "remove-logo" });
    expect(removed.status).toBe(302);
    expect(await storedLogo(organization.id)).toBeNull();

    const rep = new TestClient(server.url);
    await signIn(rep, (await makePerson(server.database.db)).email);
    const refused = await rep.post(`/app/organizations/${organization.id}`, logoForm(PNG_7x5, "logo.png", "image/png"));
    expect(refused.status).toBe(403);
    expect(await storedLogo(organization.id)).toBeNull();
  });
});
