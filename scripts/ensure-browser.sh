#!/usr/bin/env bash
# Installs what the console's browser test needs from Debian: Chromium (Playwright drives it through playwright-core;
# Playwright's own browser download is not reachable here) and nginx-light (the test serves the built console with
# the image's apps/console/nginx.conf, its Content-Security-Policy included). No-op, and no network, when both are
# installed.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
NGINX=${NGINX_PATH:-/usr/sbin/nginx}
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
[ -x "$NGINX" ] || missing+=(nginx-light)
[ "${#missing[@]}" -eq 0 ] && exit 0
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null && sudo -n true 2>/dev/null || {
    echo "!! missing ${missing[*]}: install Debian's packages as root (apt-get install -y ${missing[*]})" >&2
    exit 1
  }
  as_root=(sudo -n)
fi
echo "==> installing Debian's ${missing[*]} (browser tests)"
mkdir -p .local/logs
start=$(date +%s)
"${as_root[@]}" apt-get update -q >>.local/logs/apt.log 2>&1 || true
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" \
  >>.local/logs/apt.log 2>&1 || { echo "!! apt-get install ${missing[*]} failed: see .local/logs/apt.log" >&2; exit 1; }
# Debian's nginx package starts its own daemon on port 80 at install: the test runs its own nginx, stop that one
# (by its pid file, the one the package's configuration names).
if [[ " ${missing[*]} " == *" nginx-light "* ]] && [ -s /run/nginx.pid ]; then
  "${as_root[@]}" "$NGINX" -s quit 2>/dev/null || true
fi
echo "    installed in $(( $(date +%s) - start ))s: $("$CHROMIUM" --version 2>/dev/null || echo 'chromium ?'), $("$NGINX" -v 2>&1 || echo 'nginx ?')"
