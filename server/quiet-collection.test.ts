import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "./logger";
import { collectWhenQuiet, type ExposedGc, type QuietCollection } from "./quiet-collection";

describe("a memory-reducing collection once the server is quiet", () => {
  let activity = 0;
  let quiet: QuietCollection | undefined;
  const collect = vi.fn<ExposedGc>();
  const start = () => (quiet = collectWhenQuiet({ activity: () => activity, log: createLogger("silent"), quietMs: 1000, collect }));

  beforeEach(() => {
    vi.useFakeTimers();
    activity = 0;
    collect.mockClear();
  });
  afterEach(() => {
    quiet?.stop();
    vi.useRealTimers();
  });

  it("collects once nothing happened for a whole check, with the last-resort flavour, and not again while nothing happens", () => {
    start();
    vi.advanceTimersByTime(999);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(1);
    expect(collect).toHaveBeenCalledWith({ type: "major", execution: "sync", flavor: "last-resort" });
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it("waits while requests or changes keep coming, and collects again after the next quiet spell", () => {
    start();
    for (let i = 0; i < 10; i++) {
      activity++;
      vi.advanceTimersByTime(1000);
    }
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
    activity++;
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it("starts nothing without a collection to ask for (gc not exposed: Node 20 and 22)", () => {
    quiet = collectWhenQuiet({ activity: () => activity, log: createLogger("silent"), quietMs: 1000, collect: null });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stops", () => {
    start();
    quiet!.stop();
    vi.advanceTimersByTime(5000);
    expect(collect).not.toHaveBeenCalled();
  });
});
