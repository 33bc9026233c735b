# syntax=docker/dockerfile:1
# One image for every app (coap-ingest, decoder, gateway, bootstrap, simulator, cli) and the migrations (the default
# target), and the operator console's static image (`--target console`); the Helm chart and deploy/compose pick the
# entry point:
#   node -r ./tools/register.js apps/<app>/src/main.ts
# The TypeScript sources run through SWC at load time (decorator metadata for NestJS, workspace path aliases), so
# there is no build stage: the image is the sources plus the production dependencies of package-lock.json.
# Checked by helm/check.sh -> deploy/compose/check.sh (`docker build --check` where a builder exists).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.29.3-alpine

# Stage 1: production dependencies exactly as the lock file pins them. Only the workspaces' package.json files are
# copied first, so this layer is rebuilt only when a manifest or the lock changes.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps ./apps
COPY libs ./libs
RUN find apps libs -type f ! -name package.json -delete \
 && npm ci --omit=dev --no-audit --no-fund --loglevel=error \
 && npm cache clean --force

# The console: built with the development dependencies (TypeScript, Vite, the type packages of its tsconfig), then
# only the static files are kept. The workspaces' manifests come from the deps stage (same lock, same tree).
FROM ${NODE_IMAGE} AS console-build
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=deps /app/apps ./apps
COPY --from=deps /app/libs ./libs
RUN npm ci --no-audit --no-fund --loglevel=error
COPY apps/console ./apps/console
RUN npm run build --workspace apps/console

# The console's image: nginx as a non-root user serving the build; /config.json is mounted per deployment.
FROM ${NGINX_IMAGE} AS console
COPY apps/console/nginx.conf /etc/nginx/nginx.conf
COPY --from=console-build /app/apps/console/dist /usr/share/nginx/html
USER 101:101
EXPOSE 8080

# Stage 2: the runtime. Files belong to root and are read-only for the app's user, so the container runs with a
# read-only root filesystem (the chart mounts an emptyDir on /tmp).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.base.json .swcrc ./
COPY tools/register.js ./tools/register.js
COPY apps ./apps
COPY libs ./libs
# The `node` user of the base image, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 5683/udp 5684/udp 5784/udp 4000 9101 9102 9103 9104
CMD ["node", "-r", "./tools/register.js", "apps/gateway/src/main.ts"]
