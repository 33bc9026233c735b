# Finding Java runtimes on the machine (Keycloak needs a newer one than Kafka).

# java_major JAVA_HOME: the feature version of that JDK/JRE (e.g. 17, 21, 25), from its `release` file.
java_major() {
  local home=$1 v
  [ -x "$home/bin/java" ] || return 1
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  [ -n "$v" ] && printf '%s' "$v"
}

# find_java_home MIN [OVERRIDE]: prints the JAVA_HOME of the newest Java >= MIN found on the machine.
# OVERRIDE (e.g. $STACK_KEYCLOAK_JAVA_HOME) wins when set and recent enough.
find_java_home() {
  local min=$1 override=${2:-} best="" best_v=0 home v
  if [ -n "$override" ] && v=$(java_major "$override") && [ "$v" -ge "$min" ]; then
    printf '%s' "$override"
    return 0
  fi
  for home in /usr/lib/jvm/*/ /opt/java/*/ "${JAVA_HOME:-}"; do
    home=${home%/}
    [ -n "$home" ] && [ -d "$home" ] || continue
    v=$(java_major "$home") || continue
    if [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then
      best=$home
      best_v=$v
    fi
  done
  [ -n "$best" ] && printf '%s' "$best"
}

# Java for Kafka: the default `java` (17 on this machine is enough for Kafka 4).
kafka_java() {
  if [ -n "${STACK_KAFKA_JAVA_HOME:-}" ]; then
    printf '%s/bin/java' "$STACK_KAFKA_JAVA_HOME"
  else
    command -v java
  fi
}
