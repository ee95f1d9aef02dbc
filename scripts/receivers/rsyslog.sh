#!/usr/bin/env bash
# rsyslog from Debian (rsyslog, rsyslog-gnutls and the libraries Debian's base system lacks), for
# the syslog export sink's integration tests. Unpacked into .cache/receivers/rsyslog/ with
# `apt-get download` + `dpkg-deb -x`, like .ci/run does for promtool: no root needed, no system
# service installed or started. test/helpers/receivers/rsyslog.ts runs the unpacked rsyslogd with
# LD_LIBRARY_PATH and the module directory pointed here. Does nothing when already unpacked.
set -euo pipefail
cd "$(dirname "$0")/../.."

DEST=.cache/receivers/rsyslog
PACKAGES=(rsyslog rsyslog-gnutls libestr0 libfastjson4 liblognorm5)
RSYSLOGD="$DEST/usr/sbin/rsyslogd"
LIBS="$DEST/usr/lib/x86_64-linux-gnu:$DEST/lib/x86_64-linux-gnu"

check() {
  [ -x "$RSYSLOGD" ] && [ -f "$DEST/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so" ] \
    && LD_LIBRARY_PATH="$LIBS" "$RSYSLOGD" -v >/dev/null 2>&1
}

if check; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
rm -rf "$DEST"
mkdir -p "$DEST/deb"
(cd "$DEST/deb" && { apt-get download "${PACKAGES[@]}" >/dev/null 2>&1 \
  || { $SUDO apt-get update -qq && apt-get download "${PACKAGES[@]}" >/dev/null; }; })
for deb in "$DEST"/deb/*.deb; do dpkg-deb -x "$deb" "$DEST"; done
rm -rf "$DEST/deb"

if ! check; then
  echo "rsyslog unpacked into $DEST but $RSYSLOGD does not run; missing libraries:" >&2
  LD_LIBRARY_PATH="$LIBS" ldd "$RSYSLOGD" "$DEST"/usr/lib/x86_64-linux-gnu/rsyslog/*.so | grep 'not found' >&2 || true
  exit 1
fi
LD_LIBRARY_PATH="$LIBS" "$RSYSLOGD" -v | sed -n 1p
