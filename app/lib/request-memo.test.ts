import { describe, expect, it } from "vitest";
import { oncePerRequest } from "./request-memo";

const newContext = () => ({});

describe("oncePerRequest", () => {
  it("loads once per request and key, however many loaders ask at once", async () => {
    const context = newContext();
    let loads = 0;
    const load = async () => ++loads;
    const answers = await Promise.all([1, 2, 3].map(() => oncePerRequest(context, "session GET", load)));
    expect(answers).toEqual([1, 1, 1]);
    expect(loads).toBe(1);
  });

  it("keeps each key and each request apart", async () => {
    const context = newContext();
    let loads = 0;
    const load = async () => ++loads;
    expect(await oncePerRequest(context, "session POST", load)).toBe(1);
    // The loaders after an action read again: they must see what it changed.
    expect(await oncePerRequest(context, "session GET", load)).toBe(2);
    expect(await oncePerRequest(newContext(), "session GET", load)).toBe(3);
    expect(await oncePerRequest(context, "session GET", load)).toBe(2);
  });
});
