# One image for every app (coap-ingest, decoder, gateway, simulator, cli); the Helm chart picks the entry point:
#   node -r ./tools/register.js apps/<app>/src/main.ts
# The TypeScript sources run through SWC at load time (decorator metadata for NestJS, workspace path aliases).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps ./apps
COPY libs ./libs
RUN find apps libs -type f ! -name package.json -delete \
 && npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.base.json .swcrc ./
COPY tools/register.js ./tools/register.js
COPY apps ./apps
COPY libs ./libs
USER 1000
EXPOSE 5683/udp 4000 9101 9102
CMD ["node", "-r", "./tools/register.js", "apps/gateway/src/main.ts"]
