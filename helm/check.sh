#!/usr/bin/env bash
# Validates the chart and the deployment files:
#   1. helm lint --strict (values.schema.json included) with the default values and with values-production.yaml;
#   2. helm template with each, every rendered object decoded strictly into the Kubernetes API types and checked by
#      tools/k8s-check (-restricted: Pod Security "restricted" and a read-only root filesystem);
#   3. values that must be refused are refused (a wrong type by the schema, too many decoders by the chart);
#   4. deploy/compose/compose.yaml with `docker compose config` and the Dockerfile with `docker build --check`, each
#      only where this machine has the client (and for the build, a builder); said so when skipped.
# Self-installing: helm (pinned, `go install` from the Go module proxy) and the checker (built from its go.mod, its
# Go tests run when it is built) are cached under .local/tools, so a second run takes seconds.
#   helm/check.sh                  everything above
#   helm/check.sh --render [FILE]  print the rendered manifests (default values, or those of FILE) on stdout
set -euo pipefail
cd "$(dirname "$0")/.."
HELM_VERSION=v3.22.0
TOOLS=$(pwd)/.local/tools
CHART=helm/smartcity
PRODUCTION=$CHART/values-production.yaml

# helm pinned, whatever else the machine has: built by `go install` into its own versioned directory (a helm built
# that way reports only "v3.22" as its version, so the directory name is the pin).
HELM=$TOOLS/helm-$HELM_VERSION/helm
if [ ! -x "$HELM" ]; then
  echo "==> installing helm $HELM_VERSION (go install)" >&2
  mkdir -p "$(dirname "$HELM")"
  start=$(date +%s)
  (cd /tmp && GOBIN=$(dirname "$HELM") GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION") >&2
  echo "    helm installed in $(($(date +%s) - start))s" >&2
fi

if [ "${1:-}" = "--render" ]; then
  exec "$HELM" template demo "$CHART" --namespace smartcity ${2:+-f "$2"}
fi

# The checker, built once per version of its sources (the hash of its files names the binary).
src_hash=$(cd tools/k8s-check && cat go.mod go.sum ./*.go | sha256sum | cut -c1-16)
CHECKER=$TOOLS/k8s-check-$src_hash
if [ ! -x "$CHECKER" ]; then
  echo "==> building tools/k8s-check (go test, go build)"
  mkdir -p "$TOOLS"
  (cd tools/k8s-check && go vet ./... && go test -count=1 ./... && go build -o "$CHECKER.tmp" .)
  mv "$CHECKER.tmp" "$CHECKER"
fi

render() { "$HELM" template demo "$CHART" --namespace smartcity "$@"; }

echo "==> helm lint --strict (default values, values-production.yaml)"
"$HELM" lint --strict "$CHART" >/dev/null
"$HELM" lint --strict "$CHART" -f "$PRODUCTION" >/dev/null

echo "==> helm template | k8s-check -restricted"
render | "$CHECKER" -restricted
render -f "$PRODUCTION" | "$CHECKER" -restricted
# The variants a release may switch to: autoscaling off, plain Services, no bootstrap server, egress restricted.
render --set coapIngest.autoscaling.enabled=false,decoder.autoscaling.enabled=false,gateway.autoscaling.enabled=false \
  --set coapIngest.service.type=ClusterIP,bootstrap.enabled=false,networkPolicy.egress.enabled=true \
  --set database.existingSecret=db,redis.existingSecret=redis,keys.existingSecret=keys | "$CHECKER" -restricted
# Tracing on, to a collector with a credential from a Secret.
render --set tracing.enabled=true,tracing.otlpEndpoint=http://otel-collector:4318,tracing.sampleRatio=0.01 \
  --set tracing.headersSecret=otlp-auth | "$CHECKER" -restricted

# refused VALUE-ARGS... EXPECTED: helm must refuse these values with a message containing EXPECTED.
refused() {
  local expected=${*: -1} out
  if out=$("$HELM" template demo "$CHART" "${@:1:$#-1}" 2>&1 >/dev/null); then
    echo "!! helm accepted ${*:1:$#-1}" >&2
    return 1
  fi
  if ! grep -qF -- "$expected" <<<"$out"; then
    echo "!! helm refused ${*:1:$#-1}, but not with '$expected':" >&2
    echo "$out" >&2
    return 1
  fi
  echo "    refused as expected: ${*:1:$#-1} -> $expected"
}
echo "==> values that must be refused"
refused --set coapIngest.replicas=two "at '/coapIngest/replicas': got string, want integer"
refused --set-string coapIngest.coapsPort=5684 "at '/coapIngest/coapsPort': got string, want integer"
refused --set coapIngest.service.externalTrafficPolicy=Sticky "at '/coapIngest/service/externalTrafficPolicy'"
refused --set coapIngest.unknownKey=1 "additional properties 'unknownKey' not allowed"
refused --set decoder.autoscaling.maxReplicas=13 "decoder.autoscaling.maxReplicas (13) exceeds kafka.uplinkPartitions (12)"
refused --set keys.credentialKeys=secret "at '/keys/credentialKeys'"
refused --set console.tileUrl=ftp://tiles.example "at '/console/tileUrl'"
refused --set tracing.sampleRatio=2 "at '/tracing/sampleRatio'"
refused --set tracing.sampleRatio=1.5 "at '/tracing/sampleRatio'"
refused --set tracing.otlpEndpoint=otel-collector:4318 "at '/tracing/otlpEndpoint'"
refused --set tracing.exporter=zipkin "additional properties 'exporter' not allowed"

echo "==> deploy/compose, Dockerfile"
bash deploy/compose/check.sh

echo "chart lints, renders and passes k8s-check; compose and image checks as reported above"
