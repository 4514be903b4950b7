// Bundles the Node entry points (server/index.ts, server/cli.ts) with esbuild, and makes the
// compressed copies of the static files.
import { build } from "esbuild";
import fs from "node:fs";
import { precompress } from "./precompress.js";
import { serverBundleOptions } from "./server-bundle.js";

await build({ ...serverBundleOptions, logLevel: "warning" });
precompress("public");

// npm start rebuilds unless the build is a production one (npm run dev writes "development").
fs.writeFileSync("build/build-mode.txt", "production\n");
