# syntax=docker/dockerfile:1
# Multi-stage build: dependencies → Next standalone build → a small runtime image.
# The app database migrates itself at server start (instrumentation.ts).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.ts scripts/postgres-schema.ts ./scripts/
# postinstall generates the Prisma clients (SQLite and Postgres); no schema engine is needed for that
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ENV NEXT_OUTPUT=standalone NEXT_TELEMETRY_DISABLED=1
RUN npx next build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0 \
    DATABASE_URL=file:/app/data/app.db DUCKDB_PATH=/app/data/warehouse.duckdb
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
COPY --from=build /app/prisma ./prisma
# metric files are read while the server runs (not bundled): the files, and the definition API they import
COPY --from=build /app/metrics ./metrics
COPY --from=build /app/lib/metrics ./lib/metrics
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
CMD ["node", "server.js"]
