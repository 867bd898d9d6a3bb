#!/usr/bin/env bash
# Creates the stack's secrets on first run (compose.yml mounts them at /run/secrets/<name>); an
# existing file is never overwritten. Needs `npm run build` first (it runs dist/cli.mjs).
#
# Usage: scripts/init-secrets.sh [dir]        (default: $MCP_SECRETS_DIR, else ./secrets)
# Environment:
#   MCP_GATEWAY_PORT / GATEWAY_PUBLIC_URL   the gateway's public URL (default http://localhost:8080);
#                                           both clients may request tokens for <url>/mcp
#
# Files (folder 0700):
#   jwt_private_key.json    ES256 private JWK: signs tokens (oauth2 only; the gateway verifies
#                           with the public key the OAuth2 server publishes)  mcp-docker keys jwt --alg ES256
#   fernet_keys             Fernet key, one per line (tool servers)     mcp-docker keys fernet
#   oauth2_clients.json     client registry, secret hashes only         mcp-docker clients add
#   gateway_client_secret   secret of client "mcp-gateway" (the gateway: introspection; oauth2-tools)
#   agent_client_secret     secret of client "mcp-agent" (you: curl, connect, scripts/health_check.sh)
# Audit keys, one set per audit log writer (<w> = gateway, oauth2; docs/audit.md "Keys"):
#   <w>_audit_key           HMAC-SHA-256 key of the chain, 32 random bytes as hex (only that writer;
#                           and whoever verifies with --key)
#   <w>_audit_signing_key.jwk      ES256 private JWK: signs the chain's checkpoints (only that writer)
#   <w>_audit_signing_key.pub.jwk  its public half, for verifiers (--public-key); not secret
# Clients (scope mcp.access, audience <url>/mcp): the gateway must be registered for its own
# resource, or the OAuth2 server answers its introspection requests with active: false (IN-6).
#
# Permissions: the containers run as uid/gid 65532 and compose bind-mounts these files with their
# host owner and mode, so a 0600 file owned by you would be unreadable inside. As root the files
# the containers read get group 65532 and mode 0640 (owner and gid 65532 only), the audit keys
# owner 65532 and mode 0600; without the right to chgrp they are made 0644 and the 0700 folder is
# what keeps other host users out. Keys are written to files only, never printed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-${MCP_SECRETS_DIR:-$root/secrets}}
public_url=${GATEWAY_PUBLIC_URL:-http://localhost:${MCP_GATEWAY_PORT:-8080}}
cli=$root/dist/cli.mjs
CONTAINER_GID=65532

say() { echo "init-secrets: $*" >&2; }
die() {
  say "$*"
  exit 1
}

command -v node >/dev/null || die "node is needed (Node.js 20 or newer)"
[ -f "$cli" ] || die "$cli is missing: run npm run build first"

umask 077
mkdir -p "$dir"
chmod 0700 "$dir"

# new_file <name> <command…>: writes the command's output to <dir>/<name> unless it exists.
new_file() {
  local name=$1
  shift
  local path=$dir/$name
  if [ -e "$path" ]; then
    say "keeping $path"
    return
  fi
  "$@" >"$path.tmp"
  mv "$path.tmp" "$path"
  say "created $path"
}

new_file jwt_private_key.json node "$cli" keys jwt --alg ES256
new_file fernet_keys node "$cli" keys fernet

# The audit keys of each writer: the HMAC key, the checkpoint signing key and its public half.
audit_writers=(gateway oauth2)
for w in "${audit_writers[@]}"; do
  new_file "${w}_audit_key" node -e \
    "process.stdout.write(require('crypto').randomBytes(32).toString('hex') + '\n')"
  new_file "${w}_audit_signing_key.jwk" node "$cli" keys jwt --alg ES256
  new_file "${w}_audit_signing_key.pub.jwk" node -e \
    "const j = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); delete j.d; process.stdout.write(JSON.stringify(j) + '\n')" \
    "$dir/${w}_audit_signing_key.jwk"
done

# add_client <id> <secret file> <clients add options…>: registers the client once and keeps its
# secret (printed once by the CLI) in <secret file>.
add_client() {
  local id=$1 secret_file=$dir/$2
  shift 2
  local registry=$dir/oauth2_clients.json
  if [ -e "$secret_file" ]; then
    say "keeping $secret_file"
    return
  fi
  if [ -e "$registry" ] && node "$cli" clients list --file "$registry" 2>/dev/null | grep -q "^$id "; then
    die "client \"$id\" is registered in $registry but $secret_file is missing; the secret cannot be recovered: run node dist/cli.mjs clients remove $id --file $registry, then run this script again"
  fi
  local out
  if ! out=$(node "$cli" clients add "$id" --file "$registry" "$@" 2>"$secret_file.err"); then
    cat "$secret_file.err" >&2
    rm -f "$secret_file.err"
    die "could not register client $id"
  fi
  rm -f "$secret_file.err"
  printf '%s\n' "$out" | sed -n 's/^client_secret=//p' >"$secret_file.tmp"
  [ -s "$secret_file.tmp" ] || die "clients add $id printed no secret"
  mv "$secret_file.tmp" "$secret_file"
  say "registered client $id; its secret is in $secret_file"
}

add_client mcp-gateway gateway_client_secret --scopes mcp.access --audience "$public_url/mcp"
add_client mcp-agent agent_client_secret --scopes mcp.access --audience "$public_url/mcp"

# Make what the containers read readable by uid/gid 65532 (see the header).
container_files=(jwt_private_key.json fernet_keys oauth2_clients.json gateway_client_secret)
audit_files=()
for w in "${audit_writers[@]}"; do audit_files+=("${w}_audit_key" "${w}_audit_signing_key.jwk"); done
if [ "$(id -u)" = 0 ]; then
  for f in "${container_files[@]}"; do
    chgrp "$CONTAINER_GID" "$dir/$f"
    chmod 0640 "$dir/$f"
  done
  for f in "${audit_files[@]}"; do
    chown "$CONTAINER_GID:$CONTAINER_GID" "$dir/$f"
    chmod 0600 "$dir/$f"
  done
  mode_note="group $CONTAINER_GID, mode 0640; audit keys owner $CONTAINER_GID, mode 0600"
elif chgrp "$CONTAINER_GID" "$dir/jwt_private_key.json" 2>/dev/null; then
  for f in "${container_files[@]}" "${audit_files[@]}"; do
    chgrp "$CONTAINER_GID" "$dir/$f"
    chmod 0640 "$dir/$f"
  done
  mode_note="group $CONTAINER_GID, mode 0640"
else
  for f in "${container_files[@]}" "${audit_files[@]}"; do chmod 0644 "$dir/$f"; done
  mode_note="mode 0644 (no right to chgrp $CONTAINER_GID; the 0700 folder keeps other users out)"
fi
chmod 0600 "$dir/agent_client_secret"
for w in "${audit_writers[@]}"; do chmod 0644 "$dir/${w}_audit_signing_key.pub.jwk"; done
say "secrets in $dir: container files $mode_note; agent_client_secret 0600; audit public keys 0644"
