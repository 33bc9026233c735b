#!/usr/bin/env bash
# The demo cities: `lyon` reports by LwM2M Send, `porto` is observed by the ingest per its device profile.
# Each gets a simulated fleet of uCIFI devices (streetlights, meters, parking, waste, air quality...) with a
# few injected events (a leak, a lamp failure, a full bin). Both cities refuse NoSec: every device is provisioned
# with its own generated PSK (CLI `provision --generate-psk`, keys kept in .local/run/demo-<city>.psk, mode 600,
# new keys at each start of a fleet) and speaks CoAP over DTLS 1.2 to the ingest's coaps port.
#   scripts/demo.sh up|down|status
set -uo pipefail
cd "$(dirname "$0")/.."
RUN=.local/run
LOGS=.local/logs
mkdir -p "$RUN" "$LOGS"
DEVICES=${DEMO_DEVICES:-200}
COAPS_SERVER=${DEMO_COAPS_SERVER:-127.0.0.1:5684}
cli() { node -r ./tools/register.js apps/cli/src/main.ts "$@"; }
simulator() { node -r ./tools/register.js apps/simulator/src/main.ts "$@"; }

# city | name | mode | seed | ops port | events
CITIES=(
  "lyon|Lyon|send|1|9111|leak@45,lamp-failure@60,full-bin@75"
  "porto|Porto|observe|2|9112|leak@50,full-bin@80"
)
# What the ingest observes on porto's devices (device profile), with notification attributes.
PORTO_OBSERVE='[{"path":"/3416/0","attributes":{"pmin":5,"pmax":60}},{"path":"/3418/0","attributes":{"pmin":10,"pmax":120}},
{"path":"/3424/0","attributes":{"pmin":10,"pmax":120}},{"path":"/3423/0","attributes":{"pmin":10,"pmax":120}},
{"path":"/3421/0","attributes":{"pmin":10,"pmax":120}},{"path":"/3431/0","attributes":{"pmin":2,"pmax":300}},
{"path":"/3435/0","attributes":{"pmin":10,"pmax":300}},{"path":"/3428/0","attributes":{"pmin":10,"pmax":120}},
{"path":"/3433/0","attributes":{"pmin":10,"pmax":120}},{"path":"/3429/0","attributes":{"pmin":10,"pmax":300}}]'

pid_of() { local f="$RUN/demo-$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

up() {
  for spec in "${CITIES[@]}"; do
    IFS='|' read -r city name mode seed ops events <<<"$spec"
    echo "==> demo city $city ($mode mode, $DEVICES devices)"
    # No auto-provisioning: a device the city did not provision (with its credential) is refused.
    local profile=()
    if [ "$mode" = observe ]; then
      profile=(--profile demo)
      cli tenant ensure "$city" --name "$name" --refuse-nosec --profile demo \
        --observe "$(tr -d '\n' <<<"$PORTO_OBSERVE")" || return 1
    else
      cli tenant ensure "$city" --name "$name" --refuse-nosec || return 1
    fi
    if pid=$(pid_of "$city"); then
      echo "    simulator already running (pid $pid)"
      continue
    fi
    local fleet=(--tenant "$city" --devices "$DEVICES" --seed "$seed")
    local keys="$RUN/demo-$city.psk" endpoints
    endpoints=$(simulator "${fleet[@]}" --print-endpoints) || return 1
    # shellcheck disable=SC2086 # one argument per endpoint
    (umask 077 && cli provision "$city" $endpoints "${profile[@]}" --generate-psk >"$keys") || {
      echo "!! provisioning the $city fleet failed" >&2
      return 1
    }
    echo "    $(wc -l <"$keys") devices provisioned with their own PSK"
    SIMULATOR_OPS_PORT=$ops setsid node -r ./tools/register.js apps/simulator/src/main.ts "${fleet[@]}" \
      --server "$COAPS_SERVER" --psk-file "$keys" --mode "$mode" --report-interval 30 --events "$events" \
      >>"$LOGS/demo-$city.log" 2>&1 </dev/null &
    echo $! >"$RUN/demo-$city.pid"
  done
  for spec in "${CITIES[@]}"; do
    IFS='|' read -r city _ _ _ ops _ <<<"$spec"
    local deadline=$(( $(date +%s) + 180 ))
    until curl -fsS -o /dev/null "http://127.0.0.1:$ops/readyz" 2>/dev/null; do
      if [ "$(date +%s)" -ge "$deadline" ] || ! pid_of "$city" >/dev/null; then
        echo "!! the $city fleet did not register; last lines of its log:" >&2
        tail -n 20 "$LOGS/demo-$city.log" >&2
        return 1
      fi
      sleep 2
    done
    echo "    $city fleet registered"
  done
}

down() {
  for spec in "${CITIES[@]}"; do
    IFS='|' read -r city _ <<<"$spec"
    if pid=$(pid_of "$city"); then
      echo "==> stopping the $city fleet (de-registers its devices)"
      kill -TERM "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$RUN/demo-$city.pid"
  done
}

status() {
  for spec in "${CITIES[@]}"; do
    IFS='|' read -r city _ _ _ ops _ <<<"$spec"
    if pid=$(pid_of "$city") && curl -fsS -o /dev/null "http://127.0.0.1:$ops/readyz"; then
      printf '%-12s fleet running  pid %s\n' "demo-$city" "$pid"
    else
      printf '%-12s fleet DOWN\n' "demo-$city"
    fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: scripts/demo.sh up|down|status" >&2; exit 2 ;;
esac
