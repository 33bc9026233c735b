# Keycloak 26.x (keycloak-quarkus-dist from Maven Central) in development mode on 127.0.0.1:8080, management
# (health) on 127.0.0.1:9000, realm `smartcity` imported from deploy/local/keycloak/realm-smartcity.json.
# Development mode only: H2 file database, HTTP, bootstrap admin admin/admin.

KC_PORT=8080
KC_MGMT_PORT=9000
KC_HOME="$OPT_DIR/keycloak-$KEYCLOAK_VERSION"
KC_ZIP="$DOWNLOADS_DIR/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
KC_DATA="$DATA_DIR/keycloak"
KC_REALM_FILE="$STACK_DIR/keycloak/realm-smartcity.json"
KC_ISSUER="http://127.0.0.1:$KC_PORT/realms/smartcity"
KC_HEAP=${KC_HEAP:--Xms256m -Xmx768m}

keycloak_describe() { echo "Keycloak $KEYCLOAK_VERSION on 127.0.0.1:$KC_PORT (realm smartcity, health on :$KC_MGMT_PORT)"; }
# The first start of a fresh distribution also runs the Quarkus build (augmentation) and the realm import: on two
# busy cores that alone took 150 s, so it gets more time than later starts.
keycloak_timeout() {
  if [ -f "$KC_HOME/.started-once" ]; then echo "${STACK_KEYCLOAK_TIMEOUT:-240}"; else echo "${STACK_KEYCLOAK_TIMEOUT:-600}"; fi
}
keycloak_logs() { log_file keycloak; }

keycloak_java_home() {
  find_java_home "$KEYCLOAK_MIN_JAVA" "${STACK_KEYCLOAK_JAVA_HOME:-}"
}

keycloak_install() {
  step "Debian packages unzip, curl, jq" apt_ensure unzip curl jq || return 1
  command -v mvn >/dev/null || step "Debian package maven" apt_ensure maven || return 1
  local jh
  if ! jh=$(keycloak_java_home); then
    echo "Keycloak $KEYCLOAK_VERSION needs Java $KEYCLOAK_MIN_JAVA+ and none was found under /usr/lib/jvm or /opt/java" \
      "(set STACK_KEYCLOAK_JAVA_HOME to a JDK/JRE $KEYCLOAK_MIN_JAVA+)" >&2
    return 1
  fi
  info "Keycloak will run on Java $(java_major "$jh") ($jh)"
}

keycloak_download() {
  # Its own local repository: Maven 3.8 does not support two builds writing one repository at once, and this runs
  # beside the Kafka download.
  mvn -B -q -Dmaven.repo.local="$DOWNLOADS_DIR/m2-keycloak" dependency:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" -DoutputDirectory="$DOWNLOADS_DIR" || return 1
  # The copy in the local Maven repository is not needed once the zip sits in .local/downloads.
  rm -rf "$DOWNLOADS_DIR/m2-keycloak/org/keycloak/keycloak-quarkus-dist"
}

keycloak_unpack() {
  rm -rf "$KC_HOME" "$OPT_DIR/keycloak-unpack"
  mkdir -p "$OPT_DIR/keycloak-unpack"
  unzip -q "$KC_ZIP" -d "$OPT_DIR/keycloak-unpack" || return 1
  mv "$OPT_DIR/keycloak-unpack/keycloak-$KEYCLOAK_VERSION" "$KC_HOME" && rm -rf "$OPT_DIR/keycloak-unpack"
  # Keycloak keeps its dev database and import folder in <home>/data: point it at .local/data/keycloak.
  mkdir -p "$KC_DATA"
  rm -rf "$KC_HOME/data"
  ln -s "$KC_DATA" "$KC_HOME/data"
  touch "$KC_HOME/.complete"
}

keycloak_fetch() {
  if [ ! -f "$KC_HOME/.complete" ]; then
    if [ ! -s "$KC_ZIP" ]; then
      step "Keycloak $KEYCLOAK_VERSION distribution zip from Maven Central" \
        run_logged "$LOGS_DIR/keycloak-install.log" keycloak_download || return 1
    fi
    step "unpack Keycloak into $KC_HOME" run_logged "$LOGS_DIR/keycloak-install.log" keycloak_unpack || return 1
  fi
}

keycloak_alive() { our_pid keycloak >/dev/null; }
keycloak_pid() { our_pid keycloak; }
keycloak_health() {
  keycloak_alive && curl -fsS -m 3 "http://127.0.0.1:$KC_MGMT_PORT/health/ready" 2>/dev/null | grep -q '"UP"'
}

realm_sha() { sha256sum "$KC_REALM_FILE" | cut -d' ' -f1; }

# --import-realm skips a realm that already exists, so a changed realm file would silently not apply: when the
# file changed since the last import, stop Keycloak and drop its development database so the realm is re-imported.
keycloak_reconcile() {
  local stamp="$KC_DATA/realm-smartcity.sha256"
  [ -d "$KC_DATA/h2" ] || return 0
  [ "$(cat "$stamp" 2>/dev/null)" = "$(realm_sha)" ] && return 0
  info "realm-smartcity.json changed since Keycloak imported it: resetting Keycloak's development database"
  keycloak_stop || return 1
  rm -rf "$KC_DATA/h2"
}

keycloak_start() {
  [ -f "$KC_HOME/.complete" ] || { echo "Keycloak is not unpacked in $KC_HOME" >&2; return 1; }
  local jh p
  jh=$(keycloak_java_home) || { echo "no Java $KEYCLOAK_MIN_JAVA+ found for Keycloak" >&2; return 1; }
  mkdir -p "$KC_DATA/import"
  cp "$KC_REALM_FILE" "$KC_DATA/import/realm-smartcity.json"
  realm_sha >"$KC_DATA/realm-smartcity.sha256"
  for p in "$KC_PORT" "$KC_MGMT_PORT"; do
    if port_in_use "$p"; then
      echo "port $p is already used by another process: $(port_owner "$p")" >&2
      return 1
    fi
  done
  start_daemon keycloak "$(log_file keycloak)" env JAVA_HOME="$jh" JAVA_OPTS_KC_HEAP="$KC_HEAP" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$KC_PORT" \
    --hostname="http://127.0.0.1:$KC_PORT" --http-management-port="$KC_MGMT_PORT" --health-enabled=true \
    --import-realm
}

# Proves the realm end to end: a demo user gets a token through the CLI client, and its claims are the ones the
# platform relies on (issuer, audience, organization alias, the city role as a group of that organization).
keycloak_check_token() {
  local resp tok payload
  resp=$(curl -fsS -m 10 "$KC_ISSUER/protocol/openid-connect/token" -d grant_type=password \
    -d client_id=smartcity-cli -d username=lyon-operator -d password=smartcity-demo) || return 1
  tok=$(jq -r .access_token <<<"$resp" | cut -d. -f2 | tr '_-' '/+')
  while [ $((${#tok} % 4)) -ne 0 ]; do tok="$tok="; done
  payload=$(base64 -d <<<"$tok") || return 1
  jq -e --arg iss "$KC_ISSUER" '
    .iss == $iss
    and ((.aud | if type == "array" then . else [.] end) | index("smartcity-gateway"))
    and (.organization.lyon.groups | index("/city-operator"))' <<<"$payload" >/dev/null || {
    echo "unexpected token claims: $payload" >&2
    return 1
  }
  info "token of lyon-operator: $(jq -c '{iss, aud, azp, roles: .realm_access.roles, organization}' <<<"$payload")"
}

keycloak_after_start() {
  touch "$KC_HOME/.started-once"
  step "password grant for lyon-operator (smartcity-cli) and claim check" keycloak_check_token
}

keycloak_stop() { stop_pid keycloak 60; }
