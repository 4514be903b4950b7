import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { createRoundEvents } from "./round-events";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it("tells this process's pages at once, and the other processes once for a burst of announcements, after the last of them", () => {
  const relayed: string[] = [];
  const events = createRoundEvents((roundId) => relayed.push(roundId), 100);
  let heard = 0;
  events.subscribe("r1", () => heard++);
  for (let i = 0; i < 50; i++) {
    events.announce("r1");
    vi.advanceTimersByTime(1);
  }
  events.announce("r2");
  expect(heard).toBe(50);
  expect(relayed).toEqual([]);
  vi.advanceTimersByTime(50);
  expect(relayed).toEqual(["r1"]);
  vi.advanceTimersByTime(50);
  expect(relayed).toEqual(["r1", "r2"]);
  // A later announcement is a notice of its own.
  events.announce("r1");
  vi.advanceTimersByTime(100);
  expect(relayed).toEqual(["r1", "r2", "r1"]);
});

it("sends the notices still waiting when the server stops, once", () => {
  const relayed: string[] = [];
  const events = createRoundEvents((roundId) => relayed.push(roundId), 100);
  events.announce("r1");
  events.flush();
  expect(relayed).toEqual(["r1"]);
  vi.advanceTimersByTime(200);
  expect(relayed).toEqual(["r1"]);
});
