#!/usr/bin/env bash
# Renders and lints the chart: `helm lint --strict`, then `helm template` with the default values and with
# production-style overrides. Installs helm (Go module, pinned) under .local/tools when the machine has none.
#   helm/check.sh [--render]   --render prints the rendered manifests (default values) on stdout
set -euo pipefail
cd "$(dirname "$0")/.."
HELM_VERSION=v3.22.0
TOOLS=$(pwd)/.local/tools/bin
HELM=$(command -v helm || true)
if [ -z "$HELM" ]; then
  HELM=$TOOLS/helm
  if [ ! -x "$HELM" ]; then
    echo "==> installing helm $HELM_VERSION (go install)" >&2
    mkdir -p "$TOOLS"
    (cd /tmp && GOBIN=$TOOLS GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION") >&2
  fi
fi
if [ "${1:-}" = "--render" ]; then
  exec "$HELM" template demo helm/smartcity --namespace smartcity
fi
"$HELM" lint --strict helm/smartcity
"$HELM" template demo helm/smartcity >/dev/null
"$HELM" template demo helm/smartcity --set database.existingSecret=db --set keycloakAdmin.existingSecret=kc \
  --set coapIngest.autoscaling.enabled=false --set coapIngest.service.type=ClusterIP >/dev/null
echo "chart renders and lints"
