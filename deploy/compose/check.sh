#!/usr/bin/env bash
# Checks the one-host deployment and the image as far as this machine allows (run by helm/check.sh):
#   - deploy/compose/compose.yaml: `docker compose config` (parses, interpolates and validates against the Compose
#     specification) where the compose client is installed;
#   - Dockerfile: `docker build --check` (BuildKit's Dockerfile lint, no build) where a builder is reachable, and
#     hadolint where it is installed.
# Each step that cannot run here says so; none of them needs a Docker engine except the build check.
set -euo pipefail
cd "$(dirname "$0")/../.."

if docker compose version >/dev/null 2>&1; then
  docker compose -f deploy/compose/compose.yaml config --quiet
  echo "    compose.yaml: docker compose config passed"
else
  echo "    compose.yaml: not validated (no 'docker compose' client on this machine)"
fi

if docker buildx version >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  docker build --check .
  echo "    Dockerfile: docker build --check passed"
else
  echo "    Dockerfile: docker build --check not run (no Docker builder reachable on this machine)"
fi
if command -v hadolint >/dev/null 2>&1; then
  hadolint Dockerfile
  echo "    Dockerfile: hadolint passed"
fi
