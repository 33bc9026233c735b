#!/usr/bin/env bash
# The demo cities: `lyon` reports by LwM2M Send, `porto` is observed by the ingest per its device profile.
# Each gets a simulated fleet of uCIFI devices (streetlights, meters, parking, waste, air quality...) with a
# few injected events (a leak, a lamp failure, a full bin). Both cities refuse NoSec. Devices bootstrap first
# (LwM2M Core 1.1.1 §6.1.3): each has a vendor bootstrap PSK (generated once into
# .local/run/demo-<city>.bootstrap.csv, mode 600, imported with CLI `bootstrap import`); at start it asks the
# bootstrap server (apps/bootstrap, coaps 5784) for its city's LwM2M server account, which carries a PSK the platform
# generated (never the vendor key), then registers with it over DTLS 1.2 to the ingest's coaps port.
# Lyon also gets a district metered area (issue 24): an inlet and DEMO_DISTRICT_CUSTOMERS (50; 0: none) customer
# water meters, bootstrapped the same way, that replay 14 days of hourly volumes by Send (a network leak 5 days ago,
# a customer meter whose night flow grows), and the water area "Demo district" made of them.
#   scripts/demo.sh up|down|status
set -uo pipefail
cd "$(dirname "$0")/.."
RUN=.local/run
LOGS=.local/logs
mkdir -p "$RUN" "$LOGS"
DEVICES=${DEMO_DEVICES:-200}
COAPS_SERVER=${DEMO_COAPS_SERVER:-127.0.0.1:5684}
BOOTSTRAP_URI=${DEMO_BOOTSTRAP_URI:-coaps://127.0.0.1:5784}
BOOTSTRAP_OPS=${DEMO_BOOTSTRAP_OPS:-http://127.0.0.1:9104}
# Bootstrap sequences in flight per city: 200 devices must not storm the bootstrap server.
BOOTSTRAP_CONCURRENCY=${DEMO_BOOTSTRAP_CONCURRENCY:-10}
DISTRICT_CUSTOMERS=${DEMO_DISTRICT_CUSTOMERS:-50}
DISTRICT_OPS=9113
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

# The vendor's batch of a city: endpoint,identity,keyHex (a 16-byte key each), kept while the fleet's endpoints are
# the same, as a factory's keys are.
vendor_batch() {
  local csv=$1 endpoints=$2
  if [ -f "$csv" ] && [ "$(cut -d, -f1 "$csv")" = "$endpoints" ]; then return 0; fi
  (umask 077 && node -e '
    const { randomBytes } = require("node:crypto");
    const lines = require("node:fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
    process.stdout.write(lines.map((e) => `${e},bs-${e},${randomBytes(16).toString("hex")}\n`).join(""));
  ' <<<"$endpoints" >"$csv.tmp") && mv "$csv.tmp" "$csv"
}

# metric <ops port> <name> [label="value"]: the sum of the simulator's samples of that metric (and label).
metric() {
  curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v m="$2" -v l="${3:-}" '
    ($1 == m || index($1, m "{") == 1) && (l == "" || index($1, l)) { s += $2 } END { print s + 0 }'
}

pid_of() { local f="$RUN/demo-$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

# The lyon district (after the lyon city: its bootstrap configuration is set). Idempotent like the cities.
district_up() {
  [ "$DISTRICT_CUSTOMERS" -gt 0 ] || return 0
  local name=lyon-dma district=(--tenant lyon --seed 1 --district "$DISTRICT_CUSTOMERS")
  local batch="$RUN/demo-$name.bootstrap.csv" endpoints
  echo "==> demo district of lyon (1 inlet + $DISTRICT_CUSTOMERS customer meters, 14 days replayed)"
  endpoints=$(simulator "${district[@]}" --print-endpoints) || return 1
  if pid=$(pid_of "$name"); then
    echo "    district already running (pid $pid)"
  else
    vendor_batch "$batch" "$endpoints" || return 1
    cli bootstrap import lyon "$batch" --batch "demo-$name" >/dev/null || {
      echo "!! importing the district's vendor batch failed" >&2
      return 1
    }
    SIMULATOR_OPS_PORT=$DISTRICT_OPS setsid node -r ./tools/register.js apps/simulator/src/main.ts "${district[@]}" \
      --bootstrap-uri "$BOOTSTRAP_URI" --bootstrap-psk-file "$batch" \
      --bootstrap-concurrency "$BOOTSTRAP_CONCURRENCY" \
      >>"$LOGS/demo-$name.log" 2>&1 </dev/null &
    echo $! >"$RUN/demo-$name.pid"
    local deadline=$(( $(date +%s) + 180 ))
    until curl -fsS -o /dev/null "http://127.0.0.1:$DISTRICT_OPS/readyz" 2>/dev/null; do
      if [ "$(date +%s)" -ge "$deadline" ] || ! pid_of "$name" >/dev/null; then
        echo "!! the lyon district did not register; last lines of its log:" >&2
        tail -n 20 "$LOGS/demo-$name.log" >&2
        return 1
      fi
      sleep 2
    done
  fi
  # The area, by endpoint (the devices exist from the vendor batch import); kept when it exists already.
  local inlet members out
  inlet=$(head -n 1 <<<"$endpoints")
  members=$(tail -n +2 <<<"$endpoints" | sed 's/.*/"&"/' | paste -sd, -)
  # A meter is a water meter once its registration (objects 3424) reached the decoder: a few tries.
  for _ in $(seq 1 10); do
    out=$(cli graphql --user lyon-admin "mutation { createWaterArea(input: { name: \"Demo district\",
      inletEndpoint: \"$inlet\", memberEndpoints: [$members] }) { id } }" 2>&1)
    grep -q 'not a water meter' <<<"$out" || break
    sleep 3
  done
  if grep -q '"createWaterArea"' <<<"$out" && ! grep -q '"errors"' <<<"$out"; then
    echo "    water area \"Demo district\" created: $(grep -o '"id": *"[^"]*"' <<<"$out" | head -n 1)"
  elif grep -q 'an area of this name exists' <<<"$out"; then
    echo "    water area \"Demo district\" already defined"
  else
    echo "!! creating the demo water area failed:" >&2
    echo "$out" >&2
    return 1
  fi
}

up() {
  if ! curl -fsS -o /dev/null "$BOOTSTRAP_OPS/readyz" 2>/dev/null; then
    echo "!! the bootstrap server is not ready ($BOOTSTRAP_OPS/readyz): run scripts/apps.sh up first" >&2
    return 1
  fi
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
    local batch="$RUN/demo-$city.bootstrap.csv" endpoints
    endpoints=$(simulator "${fleet[@]}" --print-endpoints) || return 1
    # Directly provisioned LwM2M PSKs are gone: the bootstrap server gives each device its own.
    rm -f "$RUN/demo-$city.psk"
    if [ ${#profile[@]} -gt 0 ]; then
      # The device profile (what the ingest observes) is the device's, not its credential's: no credential given.
      # shellcheck disable=SC2086 # one argument per endpoint
      cli provision "$city" $endpoints "${profile[@]}" >/dev/null || return 1
    fi
    vendor_batch "$batch" "$endpoints" || return 1
    cli bootstrap import "$city" "$batch" --batch "demo-$city" >/dev/null &&
      cli bootstrap config "$city" --server-uri "coaps://$COAPS_SERVER" --lifetime 300 >/dev/null || {
      echo "!! importing the $city vendor batch or setting its bootstrap configuration failed" >&2
      return 1
    }
    echo "    $(wc -l <"$batch") vendor bootstrap PSKs imported; LwM2M server coaps://$COAPS_SERVER"
    SIMULATOR_OPS_PORT=$ops setsid node -r ./tools/register.js apps/simulator/src/main.ts "${fleet[@]}" \
      --bootstrap-uri "$BOOTSTRAP_URI" --bootstrap-psk-file "$batch" \
      --bootstrap-concurrency "$BOOTSTRAP_CONCURRENCY" \
      --mode "$mode" --report-interval 30 --events "$events" \
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
    local bootstrapped registered
    bootstrapped=$(metric "$ops" simulator_bootstraps_total 'result="bootstrapped"')
    registered=$(metric "$ops" simulator_devices_registered)
    echo "    $city fleet: ${bootstrapped:-0} devices bootstrapped (vendor PSK -> city PSK), ${registered:-0} registered over coaps"
  done
  district_up
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
  if pid=$(pid_of lyon-dma); then
    echo "==> stopping the lyon district (de-registers its meters)"
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$RUN/demo-lyon-dma.pid"
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
  if [ "$DISTRICT_CUSTOMERS" -gt 0 ]; then
    if pid=$(pid_of lyon-dma) && curl -fsS -o /dev/null "http://127.0.0.1:$DISTRICT_OPS/readyz"; then
      printf '%-12s district running  pid %s\n' "demo-lyon-dma" "$pid"
    else
      printf '%-12s district DOWN\n' "demo-lyon-dma"
    fi
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: scripts/demo.sh up|down|status" >&2; exit 2 ;;
esac
