#!/usr/bin/env bash
# The whole test suite: static checks, unit tests, then integration tests against the real local stack
# (started here if it is not running). Prints one closing line "N passed, N failed[, N skipped]".
set -uo pipefail
export NX_DAEMON=false NX_NO_CLOUD=true
cd "$(dirname "$0")/.."
node tools/check-lockfile.js || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p .local/reports
failed_checks=0
passed_checks=0
check() {
  local name=$1; shift
  echo "==> $name"
  if "$@"; then passed_checks=$((passed_checks + 1)); else echo "!! $name failed"; failed_checks=$((failed_checks + 1)); fi
}
check "typecheck" npx tsc -p tsconfig.json --noEmit
check "console typecheck" npx tsc -p apps/console/tsconfig.json --noEmit
# The Nx module-boundary rule reads the project graph; build it first or ESLint silently skips the rule.
check "project graph" bash -c "npx nx show projects --json >/dev/null"
check "lint" npx eslint . --max-warnings=0
check "format" npx prettier --check . --log-level warn
for gen in tools/check-generated.sh; do [ -x "$gen" ] && check "generated files up to date" "$gen"; done

echo "==> local stack"
bash deploy/local/stack up || { echo "!! the local stack did not come up"; echo "0 passed, 1 failed"; exit 1; }

echo "==> jest (unit + integration)"
# --forceExit: a handle left open by one suite (a socket, a timer) must not keep CI waiting after the run; the
# report is written first. The timeout bounds a hung suite (CI stops at 90 minutes).
timeout --kill-after=30s 60m npx jest --ci --json --outputFile=.local/reports/jest.json --runInBand --forceExit "$@"
jest_rc=$?
node -e '
  const r = require("./.local/reports/jest.json");
  const p = r.numPassedTests + Number(process.argv[1]);
  const f = r.numFailedTests + Number(process.argv[2]) + (r.numRuntimeErrorTestSuites || 0);
  const s = r.numPendingTests + (r.numTodoTests || 0);
  console.log(`${p} passed, ${f} failed` + (s ? `, ${s} skipped` : ""));
' "$passed_checks" "$failed_checks" || { echo "0 passed, 1 failed"; exit 1; }
[ "$jest_rc" -eq 0 ] && [ "$failed_checks" -eq 0 ]
