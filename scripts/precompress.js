// Brotli and gzip copies of the static files (public/, with the Remix build's assets), made once
// at build time at the best ratio; the server sends them by Accept-Encoding (server/compression.ts).
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const COMPRESSIBLE = /\.(js|css|svg|json|txt|map|xml|html)$/;

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (COMPRESSIBLE.test(entry.name)) yield full;
  }
}

/** Writes `file.br` and `file.gz` beside each compressible file (when smaller); returns the count. */
export function precompress(folder) {
  let written = 0;
  for (const file of files(folder)) {
    const stat = fs.statSync(file);
    const source = fs.readFileSync(file);
    const copies = {
      ".br": () =>
        zlib.brotliCompressSync(source, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.byteLength,
          },
        }),
      ".gz": () => zlib.gzipSync(source, { level: zlib.constants.Z_BEST_COMPRESSION }),
    };
    for (const [ext, make] of Object.entries(copies)) {
      const target = file + ext;
      const existing = fs.statSync(target, { throwIfNoEntry: false });
      if (existing && existing.mtimeMs >= stat.mtimeMs) continue;
      const body = make();
      if (body.byteLength >= source.byteLength) {
        fs.rmSync(target, { force: true });
        continue;
      }
      fs.writeFileSync(target, body);
      written++;
    }
  }
  return written;
}
