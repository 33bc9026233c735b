#!/usr/bin/env bash
# Fails (exit 1) when a generated file is stale: regenerates into a temp dir and diffs with the committed copy.
# Generators checked: tools/ucifi-codegen (DDF XML -> libs/ucifi/model/src/generated) and tools/asyncapi-render
# (docs/asyncapi -> docs/partners/contract.md).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node -r ./tools/register.js tools/ucifi-codegen/generate.ts --out "$tmp/ucifi" >/dev/null
if ! diff -r "$tmp/ucifi" libs/ucifi/model/src/generated >"$tmp/diff.txt"; then
  echo "generated files are stale in libs/ucifi/model/src/generated; run: npm run codegen:ucifi" >&2
  head -n 40 "$tmp/diff.txt" >&2
  exit 1
fi
node -r ./tools/register.js tools/asyncapi-render/render.ts --out "$tmp/contract.md" >/dev/null
if ! diff "$tmp/contract.md" docs/partners/contract.md >"$tmp/diff.txt"; then
  echo "docs/partners/contract.md is stale; run: npm run docs:contract" >&2
  head -n 40 "$tmp/diff.txt" >&2
  exit 1
fi
echo "generated files up to date"
