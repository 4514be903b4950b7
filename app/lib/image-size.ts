export type LogoType = "image/png" | "image/jpeg" | "image/webp";

/**
 * The pixel size written in a PNG, JPEG or WebP header, or null when the header cannot be read.
 * Pages give logos their width and height so that nothing moves while they load.
 */
export function imageSize(bytes: Uint8Array, type: LogoType): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : null);
  try {
    switch (type) {
      case "image/png":
        // Signature (8), IHDR length (4) and type (4), then width and height, big-endian.
        return size(view.getUint32(16), view.getUint32(20));
      case "image/webp":
        return webpSize(bytes, view, size);
      case "image/jpeg":
        return jpegSize(bytes, view, size);
    }
  } catch {
    // A header shorter than it claims: no size.
    return null;
  }
}

type Size = (width: number, height: number) => { width: number; height: number } | null;

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

function webpSize(bytes: Uint8Array, view: DataView, size: Size) {
  const chunk = fourcc(bytes, 12);
  if (chunk === "VP8 ") return size(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  if (chunk === "VP8L") {
    const bits = view.getUint32(21, true);
    return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X") {
    const width = (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16)) + 1;
    const height = (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16)) + 1;
    return size(width, height);
  }
  return null;
}

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(bytes: Uint8Array, view: DataView, size: Size) {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (SOF.has(marker)) return size(view.getUint16(at + 7), view.getUint16(at + 5));
    at += 2 + view.getUint16(at + 2);
  }
  return null;
}
