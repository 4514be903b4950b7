import { build } from "esbuild";
import { projectRoot } from "../server/paths";

/**
 * Bundles benchmark entries for Node as the server build is made: ES modules, packages left to
 * node_modules. `entryPoints` names each output file (without `.js`) in `outdir`.
 */
export async function bundleForNode(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  await build({
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
    absWorkingDir: projectRoot,
  });
}
