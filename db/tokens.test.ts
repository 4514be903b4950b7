import { describe, expect, it } from "vitest";
import { generateToken, hashToken } from "./tokens";

describe("tokens", () => {
  it("are 32 characters of lower-case base32 (160 random bits), never repeated", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const token = generateToken();
      expect(token).toMatch(/^[a-z2-7]{32}$/);
      seen.add(token);
    }
    expect(seen.size).toBe(1000);
  });

  it("are stored as their SHA-256, never as themselves", () => {
    const token = generateToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(hashToken(token)).toBe(hashToken(token));
  });
});
