#!/usr/bin/env bash
# Runs the platform's apps as background processes on this machine (development / demo):
#   scripts/apps.sh up|down|status|logs <app>
# Pids under .local/run/app-<name>.pid, logs under .local/logs/app-<name>.log. Only apps whose entry point
# exists are started. Readiness is each app's /readyz.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN=$ROOT/.local/run
LOGS=$ROOT/.local/logs
mkdir -p "$RUN" "$LOGS"

# name | entry point | readiness URL
APPS=(
  "coap-ingest|apps/coap-ingest/src/main.ts|http://127.0.0.1:9101/readyz"
  "decoder|apps/decoder/src/main.ts|http://127.0.0.1:9102/readyz"
  "gateway|apps/gateway/src/main.ts|http://127.0.0.1:4000/readyz"
  "bootstrap|apps/bootstrap/src/main.ts|http://127.0.0.1:9104/readyz"
  # The operator console: Vite's dev server (proxies /graphql to the gateway above), not a Node entry point.
  "console|apps/console/vite.config.ts|http://127.0.0.1:3000/config.json"
)

# The demo's 400 simulated devices all come from 127.0.0.1, as from behind one carrier NAT: lift the ingest's
# per-address handshake and request limits for this machine (defaults: 10 handshakes/s, 8 in progress, 100 req/s).
export COAPS_HANDSHAKES_PER_ADDRESS_PER_S=${COAPS_HANDSHAKES_PER_ADDRESS_PER_S:-1000}
export COAPS_HANDSHAKE_BURST_PER_ADDRESS=${COAPS_HANDSHAKE_BURST_PER_ADDRESS:-1000}
export COAPS_MAX_HANDSHAKES_PER_ADDRESS=${COAPS_MAX_HANDSHAKES_PER_ADDRESS:-500}
export RATE_ADDRESS_PER_S=${RATE_ADDRESS_PER_S:-2000}

pid_of() { local f="$RUN/app-$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

wait_ready() {
  local name=$1 url=$2 deadline=$(( $(date +%s) + ${APP_READY_TIMEOUT:-90} ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    pid_of "$name" >/dev/null || break
    sleep 1
  done
  echo "!! $name did not become ready ($url); last lines of its log:" >&2
  tail -n 30 "$LOGS/app-$name.log" >&2
  return 1
}

up() {
  local failed=0
  for spec in "${APPS[@]}"; do
    IFS='|' read -r name entry url <<<"$spec"
    [ -f "$entry" ] || { echo "--- $name: not built yet, skipped"; continue; }
    local started=$(date +%s)
    if pid=$(pid_of "$name"); then
      echo "--- $name already running (pid $pid)"
    else
      echo "==> starting $name"
      # setsid: the app outlives the terminal that started it (stopped by `down` through its pid file).
      if [ "$name" = console ]; then
        setsid node node_modules/vite/bin/vite.js apps/console --host 127.0.0.1 --port 3000 --strictPort \
          >>"$LOGS/app-$name.log" 2>&1 </dev/null &
      else
        setsid node -r ./tools/register.js "$entry" >>"$LOGS/app-$name.log" 2>&1 </dev/null &
      fi
      echo $! >"$RUN/app-$name.pid"
    fi
    if wait_ready "$name" "$url"; then
      echo "    $name ready ($(( $(date +%s) - started ))s)"
      if [ "$name" = console ]; then echo "    operator console: http://127.0.0.1:3000 (sign in as a demo user)"; fi
    else
      failed=1
    fi
  done
  return $failed
}

down() {
  for spec in "${APPS[@]}"; do
    IFS='|' read -r name _ _ <<<"$spec"
    if pid=$(pid_of "$name"); then
      echo "==> stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$RUN/app-$name.pid"
  done
}

status() {
  local rc=0
  for spec in "${APPS[@]}"; do
    IFS='|' read -r name entry url <<<"$spec"
    [ -f "$entry" ] || continue
    if pid=$(pid_of "$name") && curl -fsS -o /dev/null "$url" 2>/dev/null; then
      rss=$(ps -o rss= -p "$pid" | awk '{printf "%d MiB", $1/1024}')
      printf '%-12s ready    pid %-8s %s\n' "$name" "$pid" "$rss"
    else
      printf '%-12s DOWN\n' "$name"; rc=1
    fi
  done
  return $rc
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  logs) tail -n "${3:-100}" -f "$LOGS/app-${2:?app name}.log" ;;
  *) echo "usage: scripts/apps.sh up|down|status|logs <app>" >&2; exit 2 ;;
esac
