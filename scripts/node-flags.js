// The Node.js options the server runs with (docs/decisions/100), in one place: `npm start`, the
// Dockerfile's CMD (which lists them literally: tests/unit/node-flags.test.ts keeps the two the
// same), and the server processes of the tests and benchmarks.

/**
 * - `--max-semi-space-size=16`: V8 12 and later size the young generation by the machine's memory
 *   (a 64 MB semi-space here, 128 MB of new space), which the embedded default kept resident for
 *   its first idle seconds; 16 MB is Node 20's own default, and the ballots' CPU did not change.
 * - `--liftoff-only` from Node 24: V8 13's optimizing WebAssembly compiler takes about 600 MB, for
 *   a moment, to compile one of PGlite's PostgreSQL functions (nodejs/node#63421), which put the
 *   embedded default's peak at about 1 GB; PGlite's baseline code served the pages as fast. With
 *   PostgreSQL the server runs no WebAssembly, and the option changes nothing.
 * - `--expose-gc` from Node 24: V8 13 keeps the pages a collection frees in a pool until a
 *   memory-reducing collection, which it does not start by itself in a server that went quiet; the
 *   server asks for one then (server/quiet-collection.ts, docs/decisions/101).
 *
 * @param {string} [nodeVersion] the version the server will run on (this process's by default)
 * @returns {string[]}
 */
export function serverNodeFlags(nodeVersion = process.versions.node) {
  const major = Number(nodeVersion.replace(/^v/, "").split(".")[0]);
  return ["--max-semi-space-size=16", ...(major >= 24 ? ["--liftoff-only", "--expose-gc"] : [])];
}
