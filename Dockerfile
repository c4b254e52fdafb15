# syntax=docker/dockerfile:1
# One image for every mesh-medic process: `bot` by default; compose and Kubernetes run `worker`
# (or `all`) from the same image by overriding the command.
#
#   docker build -t mesh-medic .
#   docker run --env-file .env -p 3000:3000 -v "$PWD/config:/etc/mesh-medic/config:ro" mesh-medic
#
# The sandbox (scenarios/, simulated clusters, Slack emulator) is for `npm start` on a workstation
# and is not part of the image: the image runs against real Slack and real clusters.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- deps: production dependencies only (tsx is one: the TypeScript sources run through it) ------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    MESH_MEDIC_CLUSTERS=/etc/mesh-medic/config/clusters.yaml
WORKDIR /app
# Files stay owned by root and read-only to the process; it runs as the image's `node` user (1000).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
# tsconfig.json: tsx reads its compiler options, so the image transpiles exactly as the tests do.
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY playbooks ./playbooks
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000
# Slim images have no curl: ask node. Only the bot serves HTTP; workers disable this check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/mesh-medic.js", "bot"]
