import { describe, expect, it } from "vitest";
import { JPEG_7x5, PNG_7x5, WEBP_7x5_EXTENDED, WEBP_7x5_EXTENDED_LOSSLESS, simpleWebp } from "../../tests/support/images";
import { imageSize } from "./image-size";

describe("imageSize", () => {
  it.each([
    ["PNG", PNG_7x5, "image/png"],
    ["JPEG", JPEG_7x5, "image/jpeg"],
    ["WebP (extended)", WEBP_7x5_EXTENDED, "image/webp"],
    ["WebP (lossy)", simpleWebp(WEBP_7x5_EXTENDED), "image/webp"],
    ["WebP (lossless)", simpleWebp(WEBP_7x5_EXTENDED_LOSSLESS), "image/webp"],
  ] as const)("reads the size of a %s", (_name, bytes, type) => {
    expect(imageSize(bytes, type)).toEqual({ width: 7, height: 5 });
  });

  it("gives null for a truncated header", () => {
    expect(imageSize(PNG_7x5.subarray(0, 12), "image/png")).toBeNull();
    expect(imageSize(JPEG_7x5.subarray(0, 30), "image/jpeg")).toBeNull();
    expect(imageSize(Buffer.from("RIFF"), "image/webp")).toBeNull();
  });
});
