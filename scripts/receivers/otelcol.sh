#!/usr/bin/env bash
# Builds the OpenTelemetry Collector that the otlp-http export sink is tested against: the core OTLP
# receiver and contrib's file exporter, put together by the OpenTelemetry Collector Builder from Go
# modules (a 38 MB binary; 2 to 8 minutes and about 0.5 GB of modules the first time, kept in Go's
# own caches).
# Contrib's file exporter stays at v0.161.0: its v0.165.x pulls a module the Go module proxy refuses.
# Idempotent: does nothing when the binary is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

CORE_VERSION=v0.165.0
FILE_EXPORTER_VERSION=v0.161.0
DIR=.cache/receivers/otelcol
BINARY="$DIR/otelcol"

if [ -x "$BINARY" ]; then
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "otelcol: Go is needed to build the OpenTelemetry Collector (go on PATH)" >&2
  exit 1
fi

mkdir -p "$DIR"
WORK="$(mktemp -d "$DIR/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
WORK="$(cd "$WORK" && pwd)"

echo "otelcol: installing the collector builder $CORE_VERSION"
GOBIN="$WORK/bin" go install "go.opentelemetry.io/collector/cmd/builder@$CORE_VERSION"

cat >"$WORK/manifest.yaml" <<MANIFEST
dist:
  name: otelcol
  description: OpenTelemetry Collector for mcp-audit's export tests (OTLP receiver, file exporter)
  output_path: $WORK/dist
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver $CORE_VERSION
exporters:
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter $FILE_EXPORTER_VERSION
MANIFEST

echo "otelcol: building the collector (otlpreceiver $CORE_VERSION, fileexporter $FILE_EXPORTER_VERSION)"
"$WORK/bin/builder" --config "$WORK/manifest.yaml"
mv "$WORK/dist/otelcol" "$BINARY.partial"
mv "$BINARY.partial" "$BINARY"
"$BINARY" components | sed -n '/^receivers:/,/^connectors:/p' | grep 'module:'
