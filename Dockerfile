# syntax=docker/dockerfile:1
# Service Bus Bridge API: compiled TypeScript on Node.js 24 (LTS), production dependencies only, as a non-root user.
#   docker build -t service-bus-bridge .
#   docker run -p 3000:3000 -e SERVICEBUS_NAMESPACE=contoso.servicebus.windows.net -e CONFIG_FILE=/config/bridge.json \
#     -v "$PWD/config:/config:ro" service-bus-bridge
# test/production/image-steps.test.ts performs this file's install and build steps and starts the result.
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Compile: all dependencies (TypeScript), no install scripts (no native module is needed to compile).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build ./scripts/build
COPY api ./api
COPY emulator ./emulator
RUN npm run build

# 2. Production dependencies only. The optional dependency is better-sqlite3 12, the embedded emulator's store for
#    Node.js 20 (it would be compiled here); on Node.js 24 the store uses better-sqlite3 13, which ships prebuilt.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund

# 3. Runtime: compiled code and production dependencies, run by the image's unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Liveness only: /readyz also checks Service Bus, which should not restart a healthy container.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself: no new requests, the ones in progress finish, held sessions are released.
CMD ["node", "dist/api/src/server.js"]
