#!/usr/bin/env bash
# After the local stack's services are healthy: apply pending database migrations as the owner role
# (libs/platform/db/migrations, node-pg-migrate; idempotent, concurrent runs wait on an advisory lock).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
exec node -r ./tools/register.js libs/platform/db/src/migrate.cli.ts up
