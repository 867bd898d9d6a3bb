# mcp-docker: one image for every role (OAuth2 server, gateway, stdio tool bundles, third-party
# servers); the command picks the bundle, e.g. `docker run … mcp-docker /app/oauth2.mjs`. Without
# one it runs the gateway (/app/gateway.mjs, port 8080), which starts its child bundles from /app.
#
# Build from the host's bundles, which `npm run build` makes first (no `npm` runs in here, so the
# build works without a registry once the base image exists; offline: scripts/base-image.sh).
#   npm ci && npm run build && docker build -t mcp-docker .
FROM gcr.io/distroless/nodejs24-debian12:nonroot AS base

FROM base
# VERSION follows package.json (a test checks it); SOURCE_URL names the repository you build from.
ARG VERSION=0.1.0
ARG SOURCE_URL=https://github.com/mcp-docker/mcp-docker
LABEL org.opencontainers.image.title="mcp-docker" \
      org.opencontainers.image.description="MCP tool servers behind an OAuth2-protected gateway, with a PII guard and a tamper-evident audit log" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="gcr.io/distroless/nodejs24-debian12:nonroot"

# Only the bundles and their licence notices (.dockerignore lets nothing else in). Owned by root
# and not writable by the server user: the code cannot be changed from inside.
COPY dist/ /app/

# The audit log folder and the state folder (the OAuth2 server's revocation list), owned by
# nonroot so a named volume mounted there starts writable by 65532 (Docker copies the image
# folder's ownership into a new volume). No shell to mkdir: copy the base's empty home folder.
COPY --from=base --chown=65532:65532 /home/nonroot /var/log/mcp-docker
COPY --from=base --chown=65532:65532 /home/nonroot /var/lib/mcp-docker

# Node's on-disk compile cache (Node ≥ 22.1) on the container's /tmp tmpfs: every `docker exec`
# of a bundle after the first skips parsing and compiling it again (cold start, issue 4/6).
ENV NODE_COMPILE_CACHE=/tmp/node-compile-cache
USER 65532:65532
WORKDIR /home/nonroot
# ENTRYPOINT is the base's /nodejs/bin/node. Compose sets the command of every service.
EXPOSE 8080
CMD ["/app/gateway.mjs"]
