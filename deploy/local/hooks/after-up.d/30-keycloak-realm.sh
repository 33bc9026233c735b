#!/usr/bin/env bash
# After the stack is up: apply deploy/local/keycloak/realm-smartcity.json to the running Keycloak through its admin
# API (realm roles, client scopes and mappers, demo users, organizations with their groups and memberships).
# Keycloak imports the file only when the realm does not exist, so without this a developer's existing realm would
# keep the old roles (apps/cli/src/keycloak/realm-sync.ts; idempotent, a second run changes nothing).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
node -r ./tools/register.js apps/cli/src/main.ts realm sync
# The realm now matches the file: record it, so the service's reconcile step does not also reset Keycloak's
# database for this version of the file (it compares this stamp with the file).
stamp=.local/data/keycloak/realm-smartcity.sha256
if [ -d "$(dirname "$stamp")" ]; then sha256sum deploy/local/keycloak/realm-smartcity.json | cut -d' ' -f1 >"$stamp"; fi
