import { describe, expect, it } from "vitest";
import { Readiness } from "./readiness";

describe("readiness report", () => {
  it("is ok when every required dependency is, whatever the optional ones say", async () => {
    const readiness = new Readiness("p1");
    readiness.add("database", () => "ok");
    readiness.add("redis", () => "down", { required: false });
    expect(await readiness.report()).toEqual({ ok: true, instance: "p1", checks: { database: "ok", redis: "down" } });
  });

  it("is not ok when a required dependency is down, throws, or does not answer in time", async () => {
    for (const check of [
      () => "down" as const,
      () => {
        throw new Error("connection refused");
      },
      () => new Promise<"ok">(() => {}),
    ]) {
      const readiness = new Readiness("p2");
      readiness.add("database", () => "ok");
      readiness.add("notifications", check);
      expect(await readiness.report(50)).toEqual({ ok: false, instance: "p2", checks: { database: "ok", notifications: "down" } });
    }
  });
});
