import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env";

describe("environment validation", () => {
  it("gives the documented defaults for an empty environment", () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe("./data");
    expect(env.PUBLIC_URL).toBe("http://localhost:3000");
    expect(env.secure).toBe(false);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.REDIS_PREFIX).toBe("care:");
  });

  it("derives PUBLIC_URL from PORT and normalises it to an origin", () => {
    expect(loadEnv({ PORT: "8080" }).PUBLIC_URL).toBe("http://localhost:8080");
    const env = loadEnv({ PUBLIC_URL: "https://care.example.org/some/path" });
    expect(env.PUBLIC_URL).toBe("https://care.example.org");
    expect(env.secure).toBe(true);
  });

  it.each([
    ["PORT", { PORT: "eighty" }],
    ["PORT", { PORT: "70000" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/db" }],
    ["DATABASE_URL", { DATABASE_URL: "not a url" }],
    ["PUBLIC_URL", { PUBLIC_URL: "ftp://example.org" }],
    ["SMTP_URL", { SMTP_URL: "http://mail.example.org" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["MAIL_FROM", { MAIL_FROM: "a@b.c\r\nBcc: x@y.z" }],
    ["REQUIRE_E2E", { REQUIRE_E2E: "maybe" }],
    ["REDIS_URL", { REDIS_URL: "http://127.0.0.1:6379" }],
    ["REDIS_PREFIX", { REDIS_PREFIX: "has spaces" }],
  ])("stops with a message that names %s when it is malformed", (name, source) => {
    expect(() => loadEnv(source)).toThrow(EnvError);
    expect(() => loadEnv(source)).toThrow(new RegExp(`${name}:`));
  });

  it("accepts PostgreSQL and SMTP URLs", () => {
    const env = loadEnv({ DATABASE_URL: "postgres://u:p@db:5432/care", SMTP_URL: "smtps://u:p@mail:465" });
    expect(env.DATABASE_URL).toBe("postgres://u:p@db:5432/care");
    expect(env.SMTP_URL).toBe("smtps://u:p@mail:465");
  });
});
