# syntax=docker/dockerfile:1
# Multi-stage build: bundle the CLI into dist/dnfarm.mjs in a full Node image, run it in a slim one as a non-root user.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary can be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# The store, the lock and the JSON log live in the data volume; the source and the .env are never mounted.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
ENV DNFARM_DATA_DIR=/data
# Healthy while the bot's loop keeps writing its heartbeat into the store (see `dnfarm status --health`).
HEALTHCHECK --interval=60s --timeout=10s --start-period=120s --retries=3 \
  CMD ["node", "dist/dnfarm.mjs", "status", "--health", "--data-dir", "/data"]
# The heap bounds keep a months-long process small (see "Performance" in the README); the same as `npm start`.
ENTRYPOINT ["node", "--max-semi-space-size=4", "--max-old-space-size=96", "dist/dnfarm.mjs"]
CMD ["run", "--data-dir", "/data", "--config", "/config/dnfarm.config.json"]
