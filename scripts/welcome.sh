#!/usr/bin/env bash
# Prints where everything runs and how to use it.
cat <<'TXT'

Smart-city platform is up.

  GraphQL        http://127.0.0.1:4000/graphql
  CoAP (LwM2M)   udp://127.0.0.1:5683
  Keycloak       http://127.0.0.1:8080  (admin / admin, realm smartcity)
  Kafka          127.0.0.1:9092     PostgreSQL 127.0.0.1:5432     Redis 127.0.0.1:6379

Get a token (demo users: platform-admin, lyon-admin, lyon-operator, lyon-viewer, lyon-utility-water,
porto-admin, porto-operator, porto-viewer, porto-utility-water; password smartcity-demo):

  TOKEN=$(curl -s -d grant_type=password -d client_id=smartcity-cli -d username=lyon-operator \
    -d password=smartcity-demo http://127.0.0.1:8080/realms/smartcity/protocol/openid-connect/token \
    | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')

  curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d '{"query":"{ me { username tenant roles } }"}' http://127.0.0.1:4000/graphql

Status: npm run stack -- status && bash scripts/apps.sh status     Stop: npm run stop
TXT
