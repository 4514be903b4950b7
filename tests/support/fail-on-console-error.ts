import { afterEach, beforeEach, vi } from "vitest";

/**
 * console.error during a test fails it, unless the test expects it (it then calls
 * `expectConsoleError()` or mocks console.error itself).
 */
let errors: unknown[][] = [];
let expected = false;

export function expectConsoleError() {
  expected = true;
}

beforeEach(() => {
  errors = [];
  expected = false;
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});

afterEach(() => {
  vi.mocked(console.error).mockRestore?.();
  if (!expected && errors.length > 0) {
    const text = errors.map((e) => e.map(String).join(" ")).join("\n");
    throw new Error(`console.error was called during the test:\n${text}`);
  }
});
