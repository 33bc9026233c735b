#!/usr/bin/env bash
# Quick start: installs what is missing, brings up the real services (PostgreSQL+TimescaleDB, Redis, Kafka,
# Keycloak), migrates, starts every app and the demo cities, then prints how to use them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash deploy/local/stack up
bash scripts/apps.sh up
bash scripts/demo.sh up
bash scripts/welcome.sh
