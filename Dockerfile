# syntax=docker/dockerfile:1
# One image per app, each a target of this file (docs/adr/0009-container-images-and-deployment.md):
#   docker build --target ingress -t wxop/ingress .        (likewise token, authorizer, code-release, admin-api, wechat-sim)
# docker compose builds all of them (docker-compose.yml). Every image runs `node main.cjs`, the bundle
# that `nx run <app>:build` writes to dist/apps/<app>/ — the same file and command the deploy checks
# start and stop (tools/deploy-checks).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: the whole workspace, every app bundled with its generated package.json and lockfile ----
FROM ${NODE_IMAGE} AS build
WORKDIR /workspace
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY nx.json tsconfig.base.json ./
COPY deploy/build deploy/build
COPY libs libs
COPY apps apps
RUN npx nx run-many -t build --projects=tag:type:app --outputStyle=static
# The web console: static files that admin-api serves at /console (ADMIN_API_CONSOLE_DIR, default ./console).
RUN npx nx run console:build --outputStyle=static

# ---- runtime: what every app image shares ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY deploy/docker/healthcheck.cjs ./
# Nest closes the HTTP server, consumers and pools on SIGTERM (enableShutdownHooks), then exits.
STOPSIGNAL SIGTERM
CMD ["node", "main.cjs"]

# ---- one stage per app: its production dependencies only, its bundle, a non-root user ----
FROM runtime AS ingress
COPY --from=build /workspace/dist/apps/ingress/package.json /workspace/dist/apps/ingress/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/ingress/ ./
ENV WXOP_HEALTH_PORT_VARIABLE=INGRESS_HTTP_PORT WXOP_HEALTH_PORT_DEFAULT=3100
EXPOSE 3100
USER 1000:1000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.cjs"]

FROM runtime AS token
COPY --from=build /workspace/dist/apps/token/package.json /workspace/dist/apps/token/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/token/ ./
ENV WXOP_HEALTH_PORT_VARIABLE=TOKEN_HTTP_PORT WXOP_HEALTH_PORT_DEFAULT=3200
EXPOSE 3200
USER 1000:1000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.cjs"]

FROM runtime AS authorizer
COPY --from=build /workspace/dist/apps/authorizer/package.json /workspace/dist/apps/authorizer/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/authorizer/ ./
ENV WXOP_HEALTH_PORT_VARIABLE=AUTHORIZER_HTTP_PORT WXOP_HEALTH_PORT_DEFAULT=3300
EXPOSE 3300
USER 1000:1000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.cjs"]

FROM runtime AS code-release
COPY --from=build /workspace/dist/apps/code-release/package.json /workspace/dist/apps/code-release/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/code-release/ ./
ENV WXOP_HEALTH_PORT_VARIABLE=CODE_RELEASE_HTTP_PORT WXOP_HEALTH_PORT_DEFAULT=3400
EXPOSE 3400
USER 1000:1000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.cjs"]

FROM runtime AS admin-api
COPY --from=build /workspace/dist/apps/admin-api/package.json /workspace/dist/apps/admin-api/package-lock.json ./
# argon2 ships its prebuilt binary in the package (loaded by node-gyp-build at run time), so no install script runs.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/admin-api/ ./
COPY --from=build /workspace/dist/apps/console/ ./console/
ENV WXOP_HEALTH_PORT_VARIABLE=ADMIN_API_HTTP_PORT WXOP_HEALTH_PORT_DEFAULT=3500
EXPOSE 3500
USER 1000:1000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.cjs"]

FROM runtime AS wechat-sim
COPY --from=build /workspace/dist/apps/wechat-sim/package.json /workspace/dist/apps/wechat-sim/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/wechat-sim/ ./
# The simulator listens on loopback by default; in a container other services must reach it.
ENV SIM_HTTP_HOST=0.0.0.0
ENV WXOP_HEALTH_PORT_VARIABLE=SIM_HTTP_PORT WXOP_HEALTH_PORT_DEFAULT=3900
EXPOSE 3900
USER 1000:1000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.cjs"]

# ---- migrations: one-shot, every app's migrate entry in turn (`node <app>/main.cjs migrate`, see
# deploy/docker/migrate.cjs; docker compose `migrations`, the Kubernetes Job). The apps' images start
# with DB_MIGRATIONS_RUN=false in compose and k8s and refuse a schema this step has not migrated. ----
FROM runtime AS migrations
COPY deploy/docker/migrate.cjs ./
COPY --from=ingress /app ./ingress
COPY --from=token /app ./token
COPY --from=authorizer /app ./authorizer
COPY --from=code-release /app ./code-release
COPY --from=admin-api /app ./admin-api
USER 1000:1000
CMD ["node", "migrate.cjs", "ingress", "token", "authorizer", "code-release", "admin-api"]
