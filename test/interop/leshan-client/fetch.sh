#!/usr/bin/env bash
# Downloads Eclipse Leshan's client library (leshan-client-cf, Californium, Scandium) and its dependencies from Maven
# Central into .local/leshan-client/lib (git-ignored), once, and compiles the harness (src/main/java) against them
# into .local/leshan-client/classes whenever a source is newer than the last build. Idempotent; used by
# test/interop/leshan-client/leshan-client.ts (the tests' beforeAll).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
base="$root/.local/leshan-client"
lib="$base/lib"
classes="$base/classes"
stamp="$classes/.built"
mkdir -p "$base"
# Two test files may call this at once (jest workers): one fetch and one build at a time.
exec 9>"$base/.lock"
flock 9
if ! compgen -G "$lib/leshan-client-cf-*.jar" >/dev/null; then
  mkdir -p "$lib.tmp"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib.tmp"
  rm -rf "$lib" && mv "$lib.tmp" "$lib"
fi
sources=$(find "$here/src/main/java" -name '*.java' | sort)
if [ ! -f "$stamp" ] || [ -n "$(find "$here/src/main/java" "$here/fetch.sh" -newer "$stamp" -print -quit)" ]; then
  rm -rf "$classes.tmp" && mkdir -p "$classes.tmp"
  # shellcheck disable=SC2086
  javac -nowarn -encoding UTF-8 --release 17 -d "$classes.tmp" -cp "$lib/*" $sources
  rm -rf "$classes" && mv "$classes.tmp" "$classes" && touch "$stamp"
fi
