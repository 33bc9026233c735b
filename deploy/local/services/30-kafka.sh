# Apache Kafka 4.x, single-node KRaft (broker + controller in one JVM) on 127.0.0.1:9092 (PLAINTEXT), :9093
# (CONTROLLER) and :9094 (PARTNER, SASL_PLAINTEXT with SCRAM-SHA-512). The broker classpath comes from Maven Central
# through deploy/local/kafka/pom.xml.
#
# Security (issue 21, docs/partners/README.md "Credentials"):
# - PARTNER (9094) is the partners' listener: SASL/SCRAM-SHA-512 (RFC 5802/7677, KIP-84), credentials stored in the
#   KRaft metadata log and managed by the gateway through AlterUserScramCredentials (KIP-554); every request is
#   checked by the KRaft StandardAuthorizer (KIP-801) against the ACLs the gateway creates, and a resource without a
#   matching ACL is refused (allow.everyone.if.no.acl.found=false).
# - PLAINTEXT (9092) is the LOCAL STACK'S INTERNAL listener, bound to 127.0.0.1 only: its unauthenticated clients are
#   User:ANONYMOUS, which is a super user here because the platform's own services (and the combined node's
#   inter-broker and controller traffic on CONTROLLER) still connect without credentials. In production the
#   platform's services must use their own SCRAM (or mTLS) principals with least-privilege ACLs and no listener may
#   map to a super user; moving the services to their own principals is still to do (issue 21).
# - No TLS locally: the stack has no certificate authority for clients to trust, and the partner listener is on the
#   loopback interface; production uses SASL_SSL (the consumer example supports PARTNER_TLS*).

KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_PARTNER_PORT=9094
KAFKA_HOME="$OPT_DIR/kafka-$KAFKA_VERSION"
KAFKA_DATA="$DATA_DIR/kafka"
KAFKA_PROPS="$KAFKA_DATA/server.properties"
KAFKA_M2="$DOWNLOADS_DIR/m2"
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}

kafka_describe() { echo "Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$KAFKA_PORT, partners (SASL/SCRAM) on :$KAFKA_PARTNER_PORT"; }
kafka_timeout() { echo 120; }
kafka_logs() { echo "$(log_file kafka) $LOGS_DIR/kafka.stdout.log"; }

kafka_install() {
  command -v mvn >/dev/null || step "Debian package maven" apt_ensure maven || return 1
  command -v java >/dev/null || step "Debian package openjdk-17-jre-headless" apt_ensure openjdk-17-jre-headless
}

kafka_resolve_classpath() {
  rm -rf "$KAFKA_HOME.tmp"
  mvn -B -q -f "$STACK_DIR/kafka/pom.xml" -Dmaven.repo.local="$KAFKA_M2" \
    -Dkafka.version="$KAFKA_VERSION" -Dlog4j.version="$KAFKA_LOG4J_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME.tmp/libs" || return 1
  rm -rf "$KAFKA_HOME" && mv "$KAFKA_HOME.tmp" "$KAFKA_HOME" && touch "$KAFKA_HOME/.complete"
}

kafka_fetch() {
  if [ -f "$KAFKA_HOME/.complete" ]; then return 0; fi
  step "Kafka $KAFKA_VERSION jars from Maven Central (mvn dependency:copy-dependencies)" \
    run_logged "$LOGS_DIR/kafka-install.log" kafka_resolve_classpath
}

# kafka_argv "HEAP OPTS" MAIN_CLASS args...: sets KAFKA_ARGV to the java command line (an array, so that it can
# also be handed to setsid).
kafka_argv() {
  local heap=$1
  shift
  # shellcheck disable=SC2206 # the heap options are several words on purpose
  KAFKA_ARGV=("$(kafka_java)" $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    -Dkafka.logs.dir="$LOGS_DIR" -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2.xml"
    -cp "$KAFKA_HOME/libs/*" "$@")
}
# A short-lived Kafka tool (storage format, admin CLI) with a small heap.
kafka_tool() {
  kafka_argv "-Xms32m -Xmx256m" "$@"
  "${KAFKA_ARGV[@]}"
}

kafka_write_config() {
  mkdir -p "$KAFKA_DATA/log"
  cat >"$KAFKA_PROPS" <<CONF
# Written by deploy/local/stack on every start: edit deploy/local/services/30-kafka.sh, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,PARTNER://127.0.0.1:$KAFKA_PARTNER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,PARTNER://127.0.0.1:$KAFKA_PARTNER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PARTNER:SASL_PLAINTEXT
# Partners: SCRAM-SHA-512 only (the JAAS login module per listener and mechanism, no static users: the credentials
# live in the metadata log, KIP-554).
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.partner.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.partner.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
# KRaft ACLs (KIP-801). User:ANONYMOUS is what the loopback-only PLAINTEXT and CONTROLLER listeners authenticate
# as (see the header of this file): the only super user. Nothing else is allowed without an ACL.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS
allow.everyone.if.no.acl.found=false
log.dirs=$KAFKA_DATA/log
# Applications create their topics through the admin API (ARCHITECTURE.md): a typo must not create a topic.
auto.create.topics.enable=false
num.partitions=6
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
num.network.threads=3
num.io.threads=4
log.retention.hours=168
log.segment.bytes=268435456
CONF
}

# Formats the KRaft storage once (a fresh cluster id); later starts reuse it.
kafka_format_storage() {
  local id
  id=$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$LOGS_DIR/kafka.stdout.log" | tail -n 1) || return 1
  [ -n "$id" ] || return 1
  kafka_tool kafka.tools.StorageTool format --standalone -t "$id" -c "$KAFKA_PROPS"
}

kafka_alive() { our_pid kafka >/dev/null; }
kafka_pid() { our_pid kafka; }

# A real protocol answer, without a JVM: an ApiVersions v0 request (Kafka protocol, api_key 18, which every broker
# version must answer, KIP-511/KIP-896) over bash's /dev/tcp; healthy when the response carries our correlation id
# and error_code 0. Also answered on the SASL listener before any authentication (KIP-43: ApiVersions may precede
# SaslHandshake). Optional argument: the port (default the PLAINTEXT one).
kafka_api_versions_ok() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    # size=15 | api_key=18 | api_version=0 | correlation_id=0x5c17 | client_id="probe"
    printf "\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x5c\x17\x00\x05probe" >&3
    reply=$(head -c 10 <&3 | od -An -tx1 | tr -d " \n")
    exec 3>&-
    [ "${reply:8:12}" = "00005c170000" ]
  ' _ "${1:-$KAFKA_PORT}"
}
kafka_health() { kafka_alive && kafka_api_versions_ok; }

kafka_start() {
  [ -f "$KAFKA_HOME/.complete" ] || { echo "Kafka jars missing in $KAFKA_HOME" >&2; return 1; }
  kafka_write_config || return 1
  if [ ! -f "$KAFKA_DATA/log/meta.properties" ]; then
    step "format KRaft storage in $KAFKA_DATA/log (kafka.tools.StorageTool format --standalone)" \
      run_logged "$LOGS_DIR/kafka.stdout.log" kafka_format_storage || return 1
  fi
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_PARTNER_PORT"; do
    if port_in_use "$p"; then
      echo "port $p is already used by another process: $(port_owner "$p")" >&2
      return 1
    fi
  done
  kafka_argv "$KAFKA_HEAP_OPTS" kafka.Kafka "$KAFKA_PROPS"
  start_daemon kafka "$LOGS_DIR/kafka.stdout.log" "${KAFKA_ARGV[@]}"
}

# After the protocol probe, a metadata round-trip through Kafka's own admin CLI (proves the controller quorum is up).
# A JVM start costs seconds (more on a busy machine), so only after this run started the broker.
kafka_after_start() {
  if [ "${1:-fresh}" != fresh ]; then
    info "kafka was already healthy: metadata check through the admin CLI skipped"
    return 0
  fi
  step "broker metadata answered (org.apache.kafka.tools.TopicCommand --list)" \
    run_logged "$LOGS_DIR/kafka.stdout.log" kafka_tool org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list || return 1
  step "partner listener 127.0.0.1:$KAFKA_PARTNER_PORT answers ApiVersions (SASL_PLAINTEXT, SCRAM-SHA-512)" \
    kafka_api_versions_ok "$KAFKA_PARTNER_PORT"
}

kafka_stop() { stop_pid kafka 60; }
