#!/usr/bin/env bash
# Downloads Eclipse Leshan's server demo and its dependencies from Maven Central into .local/leshan/lib
# (git-ignored), once. Used by test/interop/leshan-server.int-spec.ts.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
lib="$root/.local/leshan/lib"
if compgen -G "$lib/leshan-server-demo-*.jar" >/dev/null; then exit 0; fi
mkdir -p "$lib"
mvn -q -B -f "$root/test/interop/leshan/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib"
