#!/usr/bin/env bash
# Checks a running stack from the host and prints a pass/fail table: every container running,
# healthy and non-root; the OAuth2 metadata, token and /hello flows; the gateway's /health, its
# 401 challenge and one tool call over HTTP with the token; one tool call through `docker exec -i`
# as Cursor makes it, found in the gateway's audit chain; that chain verified with its keys
# (`audit verify --key --public-key`, needs node and dist/cli.mjs on the host, else SKIP).
# Exits 1 if any check failed.
#
# Usage: scripts/health_check.sh
# Environment (the same defaults as compose.yml; MCP_HEALTH_WAIT: seconds to wait for containers
# whose first health check has not run yet, default 60):
#   MCP_CONTAINER_PREFIX (mcp), MCP_OAUTH2_PORT (8081), MCP_GATEWAY_PORT (8080),
#   MCP_SECRETS_DIR (<repo>/secrets),
#   MCP_CLIENT_ID (mcp-agent) with its secret in $MCP_SECRETS_DIR/agent_client_secret
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${MCP_CONTAINER_PREFIX:-mcp}
oauth2=http://localhost:${MCP_OAUTH2_PORT:-8081}
gateway=http://localhost:${MCP_GATEWAY_PORT:-8080}
secrets=${MCP_SECRETS_DIR:-$root/secrets}
client_id=${MCP_CLIENT_ID:-mcp-agent}
containers=("$prefix-oauth2" "$prefix-gateway" "$prefix-third-party")

failed=0
rows=()
# record <check> <ok|FAIL> <detail>
record() {
  rows+=("$(printf '%-36s %-4s %s' "$1" "$2" "$3")")
  [ "$2" = ok ] || [ "$2" = SKIP ] || failed=$((failed + 1))
}

if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
  echo "health_check: the Docker engine does not answer (is dockerd running?)" >&2
  exit 1
fi
command -v curl >/dev/null || {
  echo "health_check: curl is needed (apt-get install -y curl)" >&2
  exit 1
}

# Health checks run every MCP_HEALTH_INTERVAL; right after `up` a container is still `starting`.
# Wait for that to settle (bounded by MCP_HEALTH_WAIT seconds, default 60) before judging.
wait_s=${MCP_HEALTH_WAIT:-60}
health_of() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1" 2>/dev/null; }
for ((waited = 0; waited < wait_s; waited++)); do
  starting=0
  for c in "${containers[@]}"; do [ "$(health_of "$c")" = starting ] && starting=1; done
  [ "$starting" = 0 ] && break
  [ "$waited" = 0 ] && echo "waiting up to ${wait_s}s for the containers' first health checks…" >&2
  sleep 1
done

for c in "${containers[@]}"; do
  state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}' "$c" 2>/dev/null)
  if [ "$state" = "running healthy" ]; then record "container $c" ok "running, healthy"
  else record "container $c" FAIL "${state:-not found}"; fi
  users=$(docker top "$c" -o uid,pid 2>/dev/null | tail -n +2 | awk '{print $1}' | sort -u | tr '\n' ' ')
  if [ "$users" = "65532 " ]; then record "  runs as non-root" ok "uid 65532"
  else record "  runs as non-root" FAIL "uids: ${users:-none}"; fi
done

metadata=$(curl -fsS --max-time 5 "$oauth2/.well-known/oauth-authorization-server" 2>&1)
if [[ $metadata == *'"token_endpoint"'* ]]; then
  record "oauth2 metadata (RFC 8414)" ok "$(sed -n 's/.*"issuer":"\([^"]*\)".*/issuer \1/p' <<<"$metadata")"
else record "oauth2 metadata (RFC 8414)" FAIL "${metadata:0:100}"; fi

token=
if [ -r "$secrets/agent_client_secret" ]; then
  response=$(curl -sS --max-time 5 -u "$client_id:$(cat "$secrets/agent_client_secret")" \
    -d grant_type=client_credentials "$oauth2/oauth2/token" 2>&1)
  token=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' <<<"$response")
  if [ -n "$token" ]; then record "oauth2 token ($client_id)" ok "$(sed -n 's/.*"expires_in":\([0-9]*\).*/expires in \1 s/p' <<<"$response")"
  else record "oauth2 token ($client_id)" FAIL "${response:0:100}"; fi
else
  record "oauth2 token ($client_id)" FAIL "no $secrets/agent_client_secret (run scripts/init-secrets.sh)"
fi

if [ -n "$token" ]; then
  hello=$(curl -sS --max-time 5 -H "Authorization: Bearer $token" "$oauth2/hello" 2>&1)
  if [[ $hello == *'"authenticated_client":"'"$client_id"'"'* ]]; then record "oauth2 /hello with the token" ok "authenticated_client $client_id"
  else record "oauth2 /hello with the token" FAIL "${hello:0:100}"; fi
else
  record "oauth2 /hello with the token" FAIL "no token"
fi

health=$(curl -sS --max-time 5 "$gateway/health" 2>&1)
if [[ $health == *'"status":"ok"'* ]]; then record "gateway /health" ok "$gateway"
else record "gateway /health" FAIL "${health:0:100}"; fi

# Without a token: 401 whose challenge names the protected resource metadata (RFC 9728 §5.1).
challenge=$(curl -sS --max-time 5 -o /dev/null -D - -X POST "$gateway/mcp" 2>&1 | tr -d '\r')
if [[ $challenge == *' 401 '* && $challenge == *'resource_metadata="'* ]]; then
  record "gateway 401 without a token" ok "resource_metadata in WWW-Authenticate"
else record "gateway 401 without a token" FAIL "$(head -n 1 <<<"$challenge")"; fi

# One tool call over HTTP with the token (MCP Streamable HTTP): initialize (the answer carries
# the session id), initialized, tools/call, then DELETE ends the session.
http_call() {
  local headers=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json'
    -H 'Accept: application/json, text/event-stream') session reply
  session=$(curl -sS --max-time 10 -o /dev/null -D - -X POST "$gateway/mcp" "${headers[@]}" \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"health_check","version":"1"}}}' \
    2>&1 | tr -d '\r' | awk 'tolower($1) == "mcp-session-id:" { print $2 }')
  if [ -z "$session" ]; then
    echo "initialize gave no session"
    return
  fi
  headers+=(-H "Mcp-Session-Id: $session" -H 'MCP-Protocol-Version: 2025-06-18')
  curl -sS --max-time 10 -o /dev/null -X POST "$gateway/mcp" "${headers[@]}" \
    -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  # The answer is an SSE event: data: {"result":…,"id":2}
  reply=$(curl -sS --max-time 15 -X POST "$gateway/mcp" "${headers[@]}" -d "$1" 2>&1 | sed -n 's/^data: //p')
  curl -sS --max-time 5 -o /dev/null -X DELETE "$gateway/mcp" -H "Authorization: Bearer $token" \
    -H "Mcp-Session-Id: $session" -H 'MCP-Protocol-Version: 2025-06-18'
  echo "${reply:-no tools/call result}"
}
if [ -n "$token" ]; then
  reply=$(http_call '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}')
  if [[ $reply == *'"sum":5'* && $reply != *'"isError":true'* ]]; then
    record "tool call add (HTTP gateway)" ok "2 + 3 answered through $gateway/mcp"
  else record "tool call add (HTTP gateway)" FAIL "${reply:0:100}"; fi
else
  record "tool call add (HTTP gateway)" FAIL "no token"
fi

# One tool call over stdio, as Cursor makes it: initialize, initialized, tools/call.
tool_call() {
  local container=$1 bundle=$2 call=$3 reply
  coproc MCP { docker exec -i -e AUDIT_LOG_FILE= "$container" /nodejs/bin/node "/app/$bundle.mjs" 2>/dev/null; }
  local in=${MCP[1]:-} out=${MCP[0]:-} pid=${MCP_PID:-}
  if [ -z "$in" ] || [ -z "$out" ]; then
    echo "docker exec ended at once"
    return
  fi
  echo '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"health_check","version":"1"}}}' >&"$in"
  if ! read -r -t 15 reply <&"$out" || [[ $reply != *'"id":1'* ]]; then
    echo "no initialize result"
  else
    echo '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&"$in"
    echo "$call" >&"$in"
    reply=
    while read -r -t 15 line <&"$out"; do
      if [[ $line == *'"id":2'* ]]; then reply=$line; break; fi
    done
    echo "${reply:-no tools/call result}"
  fi
  eval "exec $in>&-"
  [ -z "$pid" ] || wait "$pid" 2>/dev/null
}
# The last sequence number of the gateway's audit chain (read inside the container).
last_seq() {
  docker exec "$prefix-gateway" /nodejs/bin/node -e "const l = require('fs').readFileSync('/var/log/mcp-docker/gateway.jsonl', 'utf8').trim().split('\n').pop(); console.log(l ? JSON.parse(l).seq : 0)" 2>/dev/null
}
seq_before=$(last_seq)
reply=$(tool_call "$prefix-gateway" example '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}')
if [[ $reply == *'"result"'* && $reply != *'"isError":true'* && $reply == *5* ]]; then
  record "tool call example/add (exec)" ok "2 + 3 answered"
else record "tool call example/add (exec)" FAIL "${reply:0:100}"; fi

# That call reached the gateway's chain through the audit collector (AUDIT_COLLECTOR_SOCKET).
found=
for _ in 1 2 3 4 5 6 7 8 9 10; do
  found=$(docker exec "$prefix-gateway" /nodejs/bin/node -e "
    const lines = require('fs').readFileSync('/var/log/mcp-docker/gateway.jsonl', 'utf8').trim().split('\n')
    const r = lines.map((l) => JSON.parse(l)).find((r) => r.seq > ${seq_before:-0} && r.event === 'tool_call' && r.tool === 'add')
    console.log(r ? r.seq : '')" 2>/dev/null)
  [ -n "$found" ] && break
  sleep 0.5
done
if [ -n "$found" ]; then record "  exec call in gateway.jsonl" ok "seq $found (collector)"
else record "  exec call in gateway.jsonl" FAIL "no tool_call add after seq ${seq_before:-?}"; fi

# The gateway's chain verifies with its audit key and checkpoint public key (docs/audit.md).
key=$secrets/gateway_audit_key
pub=$secrets/gateway_audit_signing_key.pub.jwk
if ! command -v node >/dev/null || [ ! -f "$root/dist/cli.mjs" ]; then
  record "audit chain gateway.jsonl" SKIP "needs node and dist/cli.mjs on the host"
elif [ ! -r "$key" ] || [ ! -r "$pub" ]; then
  record "audit chain gateway.jsonl" SKIP "cannot read $key / $pub (run as root?)"
else
  tmp=$(mktemp -d)
  # The published checkpoint first: the log copied after it holds the record it covers.
  docker cp "$prefix-gateway:/var/log/mcp-docker/gateway.jsonl.checkpoint.json" "$tmp/" >/dev/null 2>&1
  docker cp "$prefix-gateway:/var/log/mcp-docker/gateway.jsonl" "$tmp/" >/dev/null 2>&1
  if out=$(node "$root/dist/cli.mjs" audit verify "$tmp/gateway.jsonl" --no-rotated --key "$key" --public-key "$pub" 2>&1); then
    record "audit chain gateway.jsonl" ok "$(printf '%s' "$out" | head -1 | cut -c1-60), keyed"
  else record "audit chain gateway.jsonl" FAIL "$(printf '%s' "$out" | grep -m1 BROKEN | cut -c1-100)"; fi
  rm -rf "$tmp"
fi

printf '%-36s %-4s %s\n' CHECK OK DETAIL
printf '%s\n' "${rows[@]}"
if [ "$failed" -gt 0 ]; then
  echo "$failed check(s) failed"
  exit 1
fi
echo "all checks passed"
