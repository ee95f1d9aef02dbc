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
# Report PDFs: DejaVu for Latin scripts, WenQuanYi Micro Hei for Chinese, Japanese and Korean names.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY bin bin
COPY schemas/clickhouse schemas/clickhouse
COPY rules rules
COPY reports reports
# The web console's static files (plain ES modules and CSS, served as they are).
COPY services/console/public services/console/public
USER node
ENTRYPOINT ["node", "bin/mcp-audit.js"]
