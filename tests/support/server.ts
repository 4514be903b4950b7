import type { ServerBuild } from "@remix-run/node";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import type { Database } from "../../db/client";
import { createApp } from "../../server/app";
import { loadEnv, type Env } from "../../server/env";
import { createLogger } from "../../server/logger";
import { startMailDelivery, type MailDelivery } from "../../server/mail";
import { remixBuildPath } from "../../server/paths";
import { createRateLimiters } from "../../server/rate-limit";
import { createTestDatabase } from "./database";

export interface TestServer {
  url: string;
  origin: string;
  env: Env;
  database: Database;
  mail: MailDelivery;
  close(): Promise<void>;
}

let build: Promise<ServerBuild> | undefined;

/**
 * The real application (Express, security middleware, the Remix build) on port 0, over a fresh
 * test database. PUBLIC_URL is the server's own address, so Origin checks behave as in production.
 */
export async function startTestServer(
  options: { database?: Database; env?: Record<string, string>; logLevel?: string } = {},
): Promise<TestServer> {
  build ??= import(pathToFileURL(remixBuildPath).href) as Promise<ServerBuild>;
  const database = options.database ?? (await createTestDatabase());
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const env = loadEnv({ NODE_ENV: "test", PORT: String(port), PUBLIC_URL: url, LOG_LEVEL: "silent", ...options.env });
  const log = createLogger(options.logLevel ?? process.env.TEST_LOG_LEVEL ?? env.LOG_LEVEL);
  const mail = startMailDelivery({ db: database.db, smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, log });
  const app = createApp({ database, env, log, mail, limits: createRateLimiters() }, await build);
  server.on("request", app);
  return {
    url,
    origin: url,
    env,
    database,
    mail,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mail.stop();
      if (!options.database) await database.close();
    },
  };
}
