import { defineConfig } from "vitest/config";

/**
 * One run, three kinds of test:
 * - "pglite": unit tests and integration tests on an embedded PGlite (always);
 * - "postgres": the integration tests again on PostgreSQL, when TEST_DATABASE_URL is set;
 * - "e2e": browser tests in Debian's Chromium (tests/e2e), one file at a time;
 * - "cluster": several server processes behind nginx on PostgreSQL and Redis (tests/cluster), one
 *   file at a time; skipped without TEST_DATABASE_URL (tests/support/cluster.ts).
 * Integration tests are named *.db.test.ts (beside the code) or live in tests/integration/.
 */
const integration = ["**/*.db.test.ts", "tests/integration/**/*.test.ts"];
const exclude = ["node_modules/**", "build/**", "public/build/**"];

export default defineConfig({
  test: {
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/fail-on-console-error.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "pglite",
          include: ["{app,db,server}/**/*.test.{ts,tsx}", "tests/integration/**/*.test.ts", "tests/unit/**/*.test.ts"],
          exclude,
          env: { TEST_DB: "pglite" },
        },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              extends: true as const,
              test: { name: "postgres", include: integration, exclude, env: { TEST_DB: "postgres" } },
            },
          ]
        : []),
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          exclude,
          fileParallelism: false,
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "cluster",
          include: ["tests/cluster/**/*.test.ts"],
          exclude,
          fileParallelism: false,
          testTimeout: 120_000,
        },
      },
    ],
  },
});
