# syntax=docker/dockerfile:1
# Multi-stage: build with dev dependencies, run with production ones only, as a non-root user.
# CI builds this file unchanged with podman and runs it (scripts/container-smoke.sh, docs/containers.md).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# Production dependencies: the same install without the dev ones (no second download; cached with the
# lockfile, like `deps`).
FROM deps AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 3001
# Healthy = /health/ready answers 200 (MongoDB and Redis reachable). One image runs either process, so
# the check asks the port of the one PID 1 runs: WORKER_PORT (3001) for the worker, PORT (3000) otherwise.
# (Docker runs HEALTHCHECK; podman keeps it only in `--format docker` images and needs
# `podman healthcheck run` or systemd timers to run it.)
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const w=require('fs').readFileSync('/proc/1/cmdline','utf8').includes('apps/worker/');const p=(w?process.env.WORKER_PORT:process.env.PORT)||(w?3001:3000);fetch('http://127.0.0.1:'+p+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The same image runs either process: `node dist/apps/worker/src/main.js` for the worker.
CMD ["node", "dist/apps/gateway/src/main.js"]
