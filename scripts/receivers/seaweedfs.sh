#!/usr/bin/env bash
# Builds SeaweedFS (Apache-2.0), the real S3-compatible store the s3 export sink is tested against,
# into .cache/receivers/seaweedfs/weed. Idempotent: does nothing when the binary is there.
# `go install` refuses the module (its go.mod has a replace directive), so the source is copied out of
# Go's module cache and built in place. The first build takes ~7 minutes and ~2 GB of modules, kept in
# Go's default caches for the next clone.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The proxy lists no tagged release of this module path; this pseudo-version is one it serves.
VERSION="v0.0.0-20261109003541-7506e5f91cd6"
MODULE="github.com/seaweedfs/seaweedfs"
OUT=".cache/receivers/seaweedfs"
BIN="$OUT/weed"
STAMP="$OUT/VERSION"

if [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
  echo "seaweedfs $VERSION already built at $BIN"
  exit 0
fi

command -v go >/dev/null || { echo "seaweedfs: the Go toolchain (go) is needed to build the S3 test receiver" >&2; exit 1; }

mkdir -p "$OUT"
SRC_DIR="$(go mod download -json "$MODULE@$VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);if(m.Error){console.error(m.Error);process.exit(1)}console.log(m.Dir)})')"

WORK="$(mktemp -d)"
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cp -r "$SRC_DIR" "$WORK/src"
# Files in the module cache are read-only; the build writes beside them.
chmod -R u+w "$WORK/src"

(cd "$WORK/src" && CGO_ENABLED=0 go build -o "$PWD/../weed" ./weed)
mv "$WORK/weed" "$BIN"
echo "$VERSION" > "$STAMP"
echo "seaweedfs $VERSION built at $BIN"
