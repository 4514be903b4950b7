import platform from "../../remix.config.js";

/**
 * The floor benchmark's app (bench/floor.ts): Remix with nothing of ours, built by the same
 * classic compiler with the same future flags as the platform (remix.config.js at the root).
 */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  appDirectory: "app",
  assetsBuildDirectory: "public/build",
  publicPath: "/build/",
  serverBuildPath: "build/index.js",
  serverModuleFormat: "esm",
  serverPlatform: "node",
  future: platform.future,
};
