import express from "express";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { preferredCoding } from "./encoding";
import { PageCache, withPageCache } from "./page-cache";

/** A real HTTP server with the cache in front of a small Express app that counts its renders. */
async function serve(cache: PageCache, route: (req: express.Request, res: express.Response) => void | Promise<void>) {
  const app = express();
  let renders = 0;
  app.use(cache.fill());
  app.get("*", async (req, res) => {
    renders++;
    await route(req, res);
  });
  const server = http.createServer(withPageCache(cache, app));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return { url, renders: () => renders };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const page = (res: express.Response, body = "<p>a page that is the same for everyone</p>") =>
  void res.type("html").set("Cache-Control", "public, max-age=60").send(body);

describe("the page cache", () => {
  it("keeps a public 200 once and answers from memory, HEAD included", async () => {
    const cache = new PageCache();
    const { url, renders } = await serve(cache, (_req, res) => page(res));
    expect(await (await fetch(url + "/members")).text()).toContain("same for everyone");
    expect(await (await fetch(url + "/members")).text()).toContain("same for everyone");
    const head = await fetch(url + "/members", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(renders()).toBe(1);
  });

  it("never keeps an answer that sets a cookie, is private, or is not a 200", async () => {
    for (const route of [
      (_req: express.Request, res: express.Response) => void res.cookie("visitor", "1").type("html").send("<p>yours</p>"),
      (_req: express.Request, res: express.Response) => void res.set("Cache-Control", "private, no-store").type("html").send("<p>mine</p>"),
      (_req: express.Request, res: express.Response) => void res.status(404).type("html").send("<p>missing</p>"),
    ]) {
      const cache = new PageCache();
      const { url, renders } = await serve(cache, route);
      await fetch(url + "/join");
      await fetch(url + "/join");
      expect(renders()).toBe(2);
      expect(cache.size).toBe(0);
    }
  });

  it("does not keep a page whose render began before a change was announced", async () => {
    const cache = new PageCache();
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first = true;
    const { url, renders } = await serve(cache, async (_req, res) => {
      if (first) {
        first = false;
        cache.invalidate("positions");
        await started;
      }
      page(res);
    });
    const pending = fetch(url + "/positions");
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect((await pending).status).toBe(200);
    expect(cache.size).toBe(0);
    await fetch(url + "/positions");
    expect(renders()).toBe(2);
    expect(cache.size).toBe(1);
  });

  it("renders a page once for readers who arrive together", async () => {
    const cache = new PageCache();
    const { url, renders } = await serve(cache, async (_req, res) => {
      await new Promise((r) => setTimeout(r, 100));
      page(res);
    });
    const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(url + "/")));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(renders()).toBe(1);
  });

  it("keeps addresses with a query apart and bounded, and clears only what a change shows", async () => {
    const cache = new PageCache({ pages: 10, variants: 3, bytes: 1_000_000 });
    const { url } = await serve(cache, (_req, res) => page(res));
    for (let i = 0; i < 6; i++) await fetch(`${url}/positions?q=word${i}`);
    await fetch(url + "/members");
    await fetch(url + "/robots.txt");
    expect(cache.size).toBe(5);
    cache.invalidate("organizations");
    expect(cache.size).toBe(4);
    cache.invalidate("positions");
    expect(cache.size).toBe(1);
    cache.invalidate("site");
    expect(cache.size).toBe(0);
  });

  it("keeps the frame's values until the site's text changes, and none read while it changed", async () => {
    const cache = new PageCache();
    let reads = 0;
    const read = () => cache.keep("frame", async () => ++reads);
    expect(await read()).toBe(1);
    expect(await read()).toBe(1);
    cache.invalidate("organizations");
    cache.invalidate("positions");
    expect(await read()).toBe(1);
    cache.invalidate("site");
    expect(await read()).toBe(2);
    cache.clear("all");
    expect(await read()).toBe(3);
    // A read that a change overtook is answered but not kept.
    const overtaken = cache.keep("other", async () => {
      cache.invalidate("site");
      return "old";
    });
    expect(await overtaken).toBe("old");
    expect(await cache.keep("other", async () => "new")).toBe("new");
  });

  it("keeps no more bytes than its bound, dropping the oldest first", async () => {
    const body = `<p>${"x".repeat(2000)}</p>`;
    const cache = new PageCache({ pages: 10, variants: 10, bytes: 3000 });
    const { url, renders } = await serve(cache, (_req, res) => page(res, body));
    await fetch(url + "/members");
    await fetch(url + "/join");
    expect(cache.size).toBe(1);
    await fetch(url + "/join");
    await fetch(url + "/members");
    expect(renders()).toBe(3);
    expect(await (await fetch(url + "/members")).text()).toBe(body);
  });
});

describe("Accept-Encoding", () => {
  it("prefers Brotli, honours q=0 and the wildcard", () => {
    expect(preferredCoding(undefined)).toBeNull();
    expect(preferredCoding("gzip, deflate, br")).toBe("br");
    expect(preferredCoding("gzip")).toBe("gzip");
    expect(preferredCoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(preferredCoding("gzip;q=1, br;q=0.5")).toBe("gzip");
    expect(preferredCoding("*")).toBe("br");
    expect(preferredCoding("identity, *;q=0")).toBeNull();
    expect(preferredCoding("deflate")).toBeNull();
  });
});
