# syntax=docker/dockerfile:1
# One image for the gateway and all six subgraphs; the compose file picks the command.
# (The syntax directive must be the first line, or BuildKit treats it as a comment.)

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall applies these fixes to dependencies (patch-package), as it does for npm start and the tests.
COPY patches ./patches
# Production dependencies only; TypeScript runs through tsx, so there is no build output to copy.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    GATEWAY_HOST=0.0.0.0 \
    LOG_PRETTY=false
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json supergraph.yaml ./
COPY platform ./platform
COPY events ./events
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY schemas ./schemas
COPY scripts ./scripts
# Without DATABASE_URL the subgraphs keep PGlite data under DATA_DIR: it must belong to the runtime user.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
# HEALTH_PORT is set per service in docker-compose.yml.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The gateway's V8 flags are listed, and explained, in gateway/node-flags.ts.
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "gateway/index.ts"]
