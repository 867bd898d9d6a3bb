#!/usr/bin/env bash
# Runs a stdio tool bundle inside a running container (`docker exec -i`) for an MCP client such as
# Cursor, and appends the server's standard error (logs, audit records) to a log file on the host.
# Standard input and output pass through untouched: they carry the JSON-RPC messages.
#
# Usage: scripts/run_mcp_server_with_logging.sh <container> <bundle> [bundle args…]
#   scripts/run_mcp_server_with_logging.sh mcp-gateway example
#   scripts/run_mcp_server_with_logging.sh mcp-third-party sequential-thinking
# Environment:
#   MCP_LOG_DIR   folder of the log files (default: <repo>/logs, git-ignored); one file per bundle,
#                 <bundle>.log, each session starting with a header line
#   DOCKER        the docker command (default: docker)
set -euo pipefail

if [ $# -lt 2 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
container=$1
bundle=${2%.mjs}
shift 2
case $bundle in
  */* | '' | .*)
    echo "run_mcp_server_with_logging: bundle must be a name such as example, got: $bundle" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
log_dir=${MCP_LOG_DIR:-$root/logs}
mkdir -p "$log_dir"
chmod 0700 "$log_dir"
log=$log_dir/$bundle.log
(umask 077 && touch "$log")
printf '=== %s %s /app/%s.mjs (host pid %s) ===\n' "$(date -u +%FT%TZ)" "$container" "$bundle" "$$" >>"$log"

# `exec` keeps one process between the client and docker, so the client's signals reach docker and
# closing the pipe ends the server (it exits when its standard input closes). The bundles exec'd
# next to the gateway send their audit records to the gateway's chain (the container's
# AUDIT_COLLECTOR_SOCKET; only a record the collector could not take lands in this log, marked
# audit_fallback); security-tools reads the gateway's file for its audit tools, as in
# .cursor/mcp.json.
extra=()
if [ "$bundle" = security-tools ]; then
  extra=(-e AUDIT_LOG_SOURCE_FILE=/var/log/mcp-docker/gateway.jsonl)
fi
exec "${DOCKER:-docker}" exec -i -e AUDIT_LOG_FILE= ${extra[@]+"${extra[@]}"} "$container" \
  /nodejs/bin/node "/app/$bundle.mjs" "$@" \
  2> >(tee -a "$log" >&2)
