import os from "node:os";
import { z } from "zod";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const optionalUrl = (protocols: string[], what: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || isUrlWithProtocol(v, protocols), {
      message: `must be a ${what} URL (${protocols.map((p) => p + "//").join(" or ")}…)`,
    });

function isUrlWithProtocol(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const booleanFlag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().trim().min(1).default("0.0.0.0"),
    DATABASE_URL: optionalUrl(["postgres:", "postgresql:"], "PostgreSQL"),
    DATA_DIR: z.string().trim().min(1).default("./data"),
    PUBLIC_URL: optionalUrl(["http:", "https:"], "http or https"),
    SMTP_URL: optionalUrl(["smtp:", "smtps:"], "SMTP"),
    MAIL_FROM: z
      .string()
      .trim()
      .default("CARE Table <no-reply@localhost>")
      .refine((v) => !/[\r\n]/.test(v), { message: "must be one line" }),
    REDIS_URL: optionalUrl(["redis:", "rediss:"], "Redis"),
    /** Every Redis key and channel starts with this: deployments (and test runs) sharing one Redis stay apart. */
    REDIS_PREFIX: z
      .string()
      .trim()
      .default("care:")
      .refine((v) => /^[A-Za-z0-9:_.-]{1,64}$/.test(v), { message: "must be 1 to 64 letters, digits or : _ . -" }),
    /** This process's name in /readyz (default: host name and process id). */
    INSTANCE_NAME: z
      .string()
      .trim()
      .optional()
      .refine((v) => v === undefined || /^[A-Za-z0-9:_.-]{0,64}$/.test(v), { message: "must be up to 64 letters, digits or : _ . -" }),
    /** How long a mail being sent is held by its process; a process that died has its mails sent by another after this. */
    MAIL_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
    LOG_LEVEL: z.enum(logLevels).default("info"),
    TRUST_PROXY: booleanFlag,
    TEST_DATABASE_URL: optionalUrl(["postgres:", "postgresql:"], "PostgreSQL"),
    CHROMIUM_PATH: z.string().trim().default("/usr/bin/chromium"),
    REQUIRE_E2E: booleanFlag,
    /** Worker threads that compute the derived text of collaborative documents (0: on the main thread). */
    DERIVE_WORKERS: z.coerce.number().int().min(0).max(16).default(1),
    /** Looks at a proposal closer together than this are one visit ("Changes since you last looked"). */
    VISIT_GAP_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  })
  .transform((env) => {
    const publicUrl = new URL(env.PUBLIC_URL ?? `http://localhost:${env.PORT}`);
    return {
      ...env,
      PUBLIC_URL: publicUrl.origin,
      secure: publicUrl.protocol === "https:",
      INSTANCE_NAME: env.INSTANCE_NAME || `${os.hostname()}-${process.pid}`,
    };
  });

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {}

/**
 * Reads and checks the environment once, at start. A missing or malformed variable stops the
 * process with a message that names it and says what it should be.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    return `  ${name}: ${issue.message}`;
  });
  throw new EnvError(`Invalid environment:\n${lines.join("\n")}\nSee .env.example for every variable.`);
}
