# One image for every mcp-audit service; the command picks the service (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY services services
COPY schemas schemas
COPY scripts scripts
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY bin bin
COPY schemas/clickhouse schemas/clickhouse
COPY rules rules
USER node
ENTRYPOINT ["node", "bin/mcp-audit.js"]
