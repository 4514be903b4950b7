import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "public/build/**",
      "bench/floor/build/**",
      "bench/floor/public/**",
      "node_modules/**",
      "data/**",
      "coverage/**",
      "test-results/**",
      "tmp/**",
      "backups/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
    },
  },
  {
    // Only app/**/*.server.ts may reach the database: the classic compiler does not keep db/ out
    // of the browser bundle for any other file.
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.ts", "app/**/*.test.ts", "app/**/*.test.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/db/*", "**/db/**", "../db", "../../db"],
              message: "Only app/**/*.server.ts may import db/.",
              allowTypeImports: true,
            },
            { group: ["**/server/*", "**/server/**"], message: "Only app/**/*.server.ts may import server/.", allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // db/ stands alone: it knows nothing of Remix, Express or the collaboration server.
    files: ["db/**/*.ts"],
    ignores: ["db/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["**/app/**", "**/server/**", "@remix-run/*", "express"], message: "db/ imports neither app/ nor server/." }],
        },
      ],
    },
  },
  {
    files: ["scripts/**/*.js", "*.config.js", "remix.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly" } },
  },
);
