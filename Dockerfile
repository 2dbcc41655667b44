# recscore image: build stage (tsc + asc, dev dependencies) → runtime stage (production dependencies,
# compiled output, non-root). Build: `docker build -t recscore .`; run: `docker run -p 8000:8000 recscore serve
# --models gs://BUCKET/PREFIX --profiles redis://HOST:6379` (every setting is also an environment variable:
# README "Configuration"). A CI build writes version.json (Dockerflow: source, version, commit, build) into the
# context before building; GET /__version__ answers it.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: recscore needs none (README "Pinned versions"), and one dependency's would phone home.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    RECSCORE_HOST=0.0.0.0 \
    PORT=8000 \
    RECSCORE_CACHE_DIR=/var/cache/recscore \
    RECSCORE_DATA_DIR=/var/lib/recscore
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/build ./build
COPY --from=build /app/web ./web
COPY --from=build /app/bin ./bin
# version.json is optional: the glob copies it when CI wrote one (LICENSE always matches, so COPY never fails).
COPY --from=build /app/LICENSE /app/README.md /app/version.jso[n] ./
RUN mkdir -p /var/cache/recscore /var/lib/recscore && chown node:node /var/cache/recscore /var/lib/recscore
# The image's own unprivileged user (uid 1000); nothing under /app is writable by it.
USER node
EXPOSE 8000
# Liveness only: /ready is for the load balancer (it is 503 until a model is loaded).
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT||8000}/health`).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/src/cli/index.js"]
CMD ["serve"]
