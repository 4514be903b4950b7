import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./redirect";

describe("redirectTo accepts only paths on this site", () => {
  it.each(["/app", "/app/people?x=1", "/app#top"])("keeps %s", (path) => {
    expect(safeRedirectPath(path, "/fallback")).toBe(path);
  });

  it.each([
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "app",
    "/\tevil",
    "/a\r\nSet-Cookie: x",
    "",
  ])("refuses %j", (path) => {
    expect(safeRedirectPath(path, "/fallback")).toBe("/fallback");
  });

  it("refuses what is not a string", () => {
    expect(safeRedirectPath(null, "/fallback")).toBe("/fallback");
    expect(safeRedirectPath(undefined, "/fallback")).toBe("/fallback");
  });

  it("keeps encoded characters encoded, so a Location header stays one line", () => {
    expect(safeRedirectPath("/%0d%0aSet-Cookie:x", "/fallback")).toBe("/%0d%0aSet-Cookie:x");
  });
});
