#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  start=$(date +%s)
  npm ci --no-audit --no-fund --loglevel=error
  echo "    npm ci took $(( $(date +%s) - start ))s"
fi
# Debian's Chromium for the console's browser tests (test/e2e/console.int-spec.ts). Not fatal here (`npm start`
# needs no browser); the browser test runs the same script and fails with its message.
bash scripts/ensure-browser.sh || echo "!! no Chromium: the console's browser test will fail" >&2
