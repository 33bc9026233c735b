#!/usr/bin/env bash
# Prints where everything runs and how to use it.
cat <<'TXT'

The smart-city platform is up, with two demo cities: lyon (devices report by LwM2M Send) and porto (the ingest
observes its devices). Simulated streetlights, meters, parking, waste bins and air-quality sensors report live,
each over DTLS with its own PSK (provisioned by scripts/demo.sh; keys in .local/run/demo-<city>.psk).

  GraphQL        http://127.0.0.1:4000/graphql
  CoAP (LwM2M)   udp://127.0.0.1:5683 (NoSec, refused by both demo cities), coaps udp 5684 (DTLS 1.2: PSK, RPK, X.509)
  Keycloak       http://127.0.0.1:8080  (admin / admin, realm smartcity)
  Kafka          127.0.0.1:9092     PostgreSQL 127.0.0.1:5432     Redis 127.0.0.1:6379

Demo users (password smartcity-demo): platform-admin, lyon-admin, lyon-operator, lyon-viewer,
lyon-utility-water, porto-admin, porto-operator, porto-viewer, porto-utility-water.

Three queries that show live data (the CLI gets the user's token from Keycloak):

  npm run -s cli -- graphql --user lyon-operator --example streetlight   # a streetlight's state
  npm run -s cli -- graphql --user porto-utility-water --example water   # today's water volume
  npm run -s cli -- graphql --user lyon-viewer --example alarms          # active alarms

Or with curl:

  TOKEN=$(curl -s -d grant_type=password -d client_id=smartcity-cli -d username=lyon-operator \
    -d password=smartcity-demo http://127.0.0.1:8080/realms/smartcity/protocol/openid-connect/token \
    | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
  curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d '{"query":"{ kpis { water { volumeTodayM3 activeLeaks } lighting { lampsOn lampsFailed } } }"}' \
    http://127.0.0.1:4000/graphql

Status: npm run status        Stop everything: npm run stop
TXT
