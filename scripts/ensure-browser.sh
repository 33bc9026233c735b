#!/usr/bin/env bash
# Installs Debian's Chromium for the console's browser tests (Playwright drives it through playwright-core;
# Playwright's own browser download is not reachable here). No-op, and no network, when it is already installed.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null && sudo -n true 2>/dev/null || {
    echo "!! $CHROMIUM is missing: install Debian's chromium package as root (apt-get install -y chromium)" >&2
    exit 1
  }
  as_root=(sudo -n)
fi
echo "==> installing Debian's chromium (browser tests)"
mkdir -p .local/logs
start=$(date +%s)
"${as_root[@]}" apt-get update -q >>.local/logs/apt.log 2>&1 || true
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends chromium \
  >>.local/logs/apt.log 2>&1 || { echo "!! apt-get install chromium failed: see .local/logs/apt.log" >&2; exit 1; }
echo "    chromium installed in $(( $(date +%s) - start ))s: $("$CHROMIUM" --version 2>/dev/null || echo '?')"
