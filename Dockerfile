# syntax=docker/dockerfile:1
# CARE Table: one process serving the site, the app and the collaboration WebSocket.
# Build: docker build -t care-table .
# Run:   docker run -p 3000:3000 -v care-data:/data -e PUBLIC_URL=https://care.example.org care-table

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# patch-package applies these at install (postinstall); pruning later keeps the patched files.
COPY patches ./patches
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
# What the server reads at run time: the bundles and a new embedded database's folder (build/,
# docs/decisions/102), static files, migrations (applied at start), the coalition's seed profile
# and package.json (it marks the project's root).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/public ./public
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/db/seed ./db/seed
RUN mkdir -p /data && chown node:node /data
USER node
# The embedded database (when DATABASE_URL is not set) lives here: keep it on a volume.
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrations run at start (under an advisory lock), then the server listens. SIGTERM stops it cleanly.
# The options are scripts/node-flags.js's for Node 24 (docs/decisions/100 and 101: the server's
# memory); tests/unit/node-flags.test.ts checks that the two agree.
CMD ["node", "--max-semi-space-size=16", "--liftoff-only", "--expose-gc", "build/server/index.js"]
