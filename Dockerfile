# syntax=docker/dockerfile:1
# discourse-operator: one image for every subcommand (webhook, reconciler, run, install, ...).
#   docker build -t discourse-operator:latest .
# The manifests (manifests/) run it as `webhook` and as `reconciler --leader-elect`.

ARG NODE_VERSION=24

# --- build: all dependencies, compile TypeScript to dist/ ------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The sources tsconfig.build.json compiles (src/ and the other folders it includes);
# .dockerignore keeps node_modules, dist, tests' binaries and local certificates out.
COPY . .
RUN npm run build

# --- production dependencies only --------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim
LABEL org.opencontainers.image.title="discourse-operator" \
      org.opencontainers.image.description="A Kubernetes operator that runs Discourse forums" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
# V8 heap flags of every subcommand (the manifests set the same on the reconciler, and
# npm run bench measures with them): a 2 MiB young generation keeps the resident memory
# close to the live heap; the old generation is capped below the 512Mi container limit.
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=384"
# At most two glibc malloc arenas (mallopt(3)): freed memory of Node's threads stays reusable
# instead of resident in an arena per thread (the manifests set the same).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# Files are owned by root and read-only to the process; the process runs as an
# unprivileged numeric user (the manifests set runAsNonRoot and runAsUser 65532 too).
USER 65532:65532
EXPOSE 9443 8080 8081
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["--help"]
