// Bundles the Node entry points (server/index.ts, server/cli.ts) with esbuild. Packages stay
// external: they are loaded from node_modules at run time, as the Remix build loads them.
import { build } from "esbuild";
import fs from "node:fs";

await build({
  entryPoints: { index: "server/index.ts", cli: "server/cli.ts" },
  outdir: "build/server",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});

// npm start rebuilds unless the build is a production one (npm run dev writes "development").
fs.writeFileSync("build/build-mode.txt", "production\n");
