// How server/ is bundled for Node (npm run build, npm run dev). Packages stay external: they are
// loaded from node_modules at run time, as the Remix build loads them.
export const serverBundleOptions = {
  // The derive worker is its own file: node:worker_threads starts it by path (derive-pool.ts).
  entryPoints: { index: "server/index.ts", cli: "server/cli.ts", "derive-worker": "server/collab/derive-worker.ts" },
  outdir: "build/server",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
};
