import type { ServerBuild } from "@remix-run/node";
import { pathToFileURL } from "node:url";
import { issueSetupToken } from "../db/queries/setup";
import { prepareDatabase } from "./boot";
import { EnvError, loadEnv } from "./env";
import { createLogger } from "./logger";
import { remixBuildPath } from "./paths";
import { createServices } from "./services";

async function main() {
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(env.LOG_LEVEL);
  const { database, seeded } = await prepareDatabase(env);
  log.info({ database: database.describe, seeded }, "database ready");

  const build = (await import(pathToFileURL(remixBuildPath).href)) as ServerBuild;
  const services = await createServices({ env, log, database });
  const server = services.createHttpServer(build);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  log.info({ port, publicUrl: env.PUBLIC_URL }, "listening");
  console.log(`\nCARE Table is running: ${env.PUBLIC_URL}  (listening on ${env.HOST}:${port})`);

  const setupToken = await issueSetupToken(database.db);
  if (setupToken) {
    console.log(
      `\nNo convener exists yet. Open this one-time link to create the first convener account:\n\n  ${env.PUBLIC_URL}/setup?token=${setupToken}\n`,
    );
  }

  let stopping = false;
  async function stop(signal: string) {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: no new connections, finishing open requests");
    const forceExit = setTimeout(() => {
      log.error("requests still open after 20 s: closing anyway");
      server.closeAllConnections();
    }, 20_000);
    forceExit.unref();
    server.closeIdleConnections();
    // Collaboration first: connections closed, every pending update committed before the pool ends.
    await services.stop(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await database.close();
    log.info("stopped");
    process.exit(0);
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if (error instanceof Error && error.name !== "DataDirLockedError") console.error(error.stack);
  process.exit(1);
});
