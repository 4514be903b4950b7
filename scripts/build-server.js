// Bundles the Node entry points (server/index.ts, server/cli.ts) with esbuild, makes the compressed
// copies of the static files and the embedded database's template (scripts/pglite-template.js).
import { build } from "esbuild";
import fs from "node:fs";
import { makePgliteTemplate } from "./pglite-template.js";
import { precompress } from "./precompress.js";
import { serverBundleOptions } from "./server-bundle.js";

await build({ ...serverBundleOptions, logLevel: "warning" });
precompress("public");
makePgliteTemplate("build/pglite-template.tar.gz");

// npm start rebuilds unless the build is a production one (npm run dev writes "development").
fs.writeFileSync("build/build-mode.txt", "production\n");
