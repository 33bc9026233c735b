# PostgreSQL (Debian packages) + TimescaleDB, as our own cluster under .local/data/postgres on 127.0.0.1:5432.
# The server refuses to run as root, so the cluster belongs to the `postgres` OS user created by the Debian package.

PG_PORT=5432
PG_BIN="/usr/lib/postgresql/$POSTGRES_MAJOR/bin"
PG_CONFIG="$PG_BIN/pg_config"
PG_DATA="$DATA_DIR/postgres"
PG_SOCK="$RUN_DIR/postgres"
PG_LOG="$LOGS_DIR/postgres.log"
TSDB_WORK="$DOWNLOADS_DIR/timescaledb"

# When the checkout sits under a folder the postgres OS user cannot traverse (e.g. /root), the cluster, its socket
# and its log live in /var/lib/postgresql/smartcity-local/<hash of the checkout path>/ instead, with symlinks from
# .local/data/postgres and .local/logs/postgres.log. Called before using any PG_* path; only `pg_resolve_paths
# create` (at start) decides where a new cluster goes.
pg_resolve_paths() {
  local link="$DATA_DIR/postgres" base
  if [ -L "$link" ]; then
    base=$(dirname "$(readlink "$link")")
  elif [ "${1:-}" != create ] || [ -d "$link" ] || as_postgres test -x "$DATA_DIR" 2>/dev/null; then
    return 0
  else
    base="/var/lib/postgresql/smartcity-local/$(printf '%s' "$REPO_ROOT" | md5sum | cut -c1-12)"
    info "the postgres OS user cannot reach $DATA_DIR: the cluster lives in $base (symlinked from .local)"
    install -d -o postgres -g postgres -m 0755 "$(dirname "$base")" "$base"
    ln -sfn "$base/data" "$link"
  fi
  PG_DATA="$base/data"
  PG_SOCK="$base/run"
  PG_LOG="$base/postgres.log"
  [ -L "$LOGS_DIR/postgres.log" ] || { mkdir -p "$LOGS_DIR" && ln -sfn "$PG_LOG" "$LOGS_DIR/postgres.log"; }
}

postgres_describe() { echo "PostgreSQL $POSTGRES_MAJOR + TimescaleDB on 127.0.0.1:$PG_PORT (database smartcity)"; }
postgres_timeout() { echo 90; }
postgres_logs() {
  pg_resolve_paths
  echo "$PG_LOG"
}

as_postgres() { runuser -u postgres -- "$@"; }
pg_psql() { PGOPTIONS="-c client_min_messages=warning" as_postgres "$PG_BIN/psql" -h "$PG_SOCK" -p "$PG_PORT" -X -q -v ON_ERROR_STOP=1 "$@"; }

# TimescaleDB counts as installed when its control file and the library of its default version are in place.
tsdb_installed_version() {
  local share lib v
  [ -x "$PG_CONFIG" ] || return 1
  share=$("$PG_CONFIG" --sharedir) lib=$("$PG_CONFIG" --pkglibdir)
  v=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$share/extension/timescaledb.control" 2>/dev/null)
  [ -n "$v" ] && [ -f "$lib/timescaledb-$v.so" ] && printf '%s' "$v"
}

tsdb_debian_package() {
  local p
  for p in "postgresql-$POSTGRES_MAJOR-timescaledb" "timescaledb-2-postgresql-$POSTGRES_MAJOR"; do
    if apt_has_candidate "$p"; then
      printf '%s' "$p"
      return 0
    fi
  done
  return 1
}

postgres_install() {
  step "Debian packages postgresql-$POSTGRES_MAJOR, postgresql-server-dev-$POSTGRES_MAJOR" \
    apt_ensure "postgresql-$POSTGRES_MAJOR" "postgresql-client-$POSTGRES_MAJOR" "postgresql-server-dev-$POSTGRES_MAJOR" ||
    return 1
  local v pkg
  if v=$(tsdb_installed_version); then
    info "TimescaleDB $v already installed for PostgreSQL $POSTGRES_MAJOR"
    return 0
  fi
  if pkg=$(tsdb_debian_package); then
    step "TimescaleDB from the Debian package $pkg" apt_ensure "$pkg" || return 1
    return 0
  fi
  info "no TimescaleDB package for PostgreSQL $POSTGRES_MAJOR in this machine's apt: it will be built from source"
  step "build tools for TimescaleDB (cmake, gcc, make, libkrb5-dev, xz-utils)" \
    apt_ensure cmake gcc make libkrb5-dev xz-utils || return 1
}

# The Debian mirror of this machine, from its own apt configuration (deb822 or one-line format), never hard-coded.
debian_mirror() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [ -f "$f" ]; then
    awk 'BEGIN { RS = ""; FS = "\n" }
      { uri = ""; for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { split($i, a, " "); uri = a[2] }
        if (uri != "" && uri !~ /security/) { print uri; exit } }' "$f"
  else
    awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1
  fi
}

# Builds TimescaleDB from Debian's source package of TIMESCALEDB_SOURCE_SUITE, with a throw-away apt source list
# and lists folder so the machine's own apt configuration is left untouched (shared/design/STACK.md).
tsdb_build_from_source() {
  local mirror apt_opts orig src
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { echo "cannot find the Debian mirror URL in /etc/apt" >&2; return 1; }
  rm -rf "$TSDB_WORK"
  mkdir -p "$TSDB_WORK/apt/lists/partial" "$TSDB_WORK/apt/cache/archives/partial" "$TSDB_WORK/src"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $TIMESCALEDB_SOURCE_SUITE main" \
    >"$TSDB_WORK/apt/sources.list"
  echo "source list: $(cat "$TSDB_WORK/apt/sources.list")"
  apt_opts=(-o "Dir::Etc::sourcelist=$TSDB_WORK/apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
    -o "Dir::State::Lists=$TSDB_WORK/apt/lists" -o "Dir::Cache=$TSDB_WORK/apt/cache" -q)
  apt-get "${apt_opts[@]}" update || return 1
  (cd "$TSDB_WORK/src" && apt-get "${apt_opts[@]}" source --download-only timescaledb) || return 1
  orig=$(ls "$TSDB_WORK/src/timescaledb_$TIMESCALEDB_VERSION"*.orig.tar.* 2>/dev/null | head -n 1)
  if [ -z "$orig" ]; then
    echo "Debian $TIMESCALEDB_SOURCE_SUITE no longer serves TimescaleDB $TIMESCALEDB_VERSION (got: $(ls "$TSDB_WORK/src"));" \
      "update TIMESCALEDB_VERSION in deploy/local/versions.env" >&2
    return 1
  fi
  tar -xf "$orig" -C "$TSDB_WORK/src" || return 1
  src=$(dirname "$(ls -d "$TSDB_WORK"/src/*/bootstrap | head -n 1)")
  (cd "$src" && ./bootstrap -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DAPACHE_ONLY=ON -DWARNINGS_AS_ERRORS=OFF \
    -DLINTER=OFF -DPG_CONFIG="$PG_CONFIG") || return 1
  make -C "$src/build" -j"$(nproc)" install || return 1
  tsdb_installed_version >/dev/null
}

# Network/CPU-heavy part, run in parallel with the other services' downloads.
postgres_fetch() {
  tsdb_installed_version >/dev/null && return 0
  step "TimescaleDB $TIMESCALEDB_VERSION built from Debian $TIMESCALEDB_SOURCE_SUITE's source package" \
    run_logged "$LOGS_DIR/timescaledb-build.log" tsdb_build_from_source
}

postgres_pid() {
  pg_resolve_paths
  head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null
}
postgres_alive() {
  local pid
  pid=$(postgres_pid) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
postgres_health() {
  postgres_alive && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2
}

# Debian's own cluster (pg_ctlcluster) would hold port 5432: stop it, say so, and leave it configured as it was.
stop_debian_clusters_on_port() {
  command -v pg_lsclusters >/dev/null || return 0
  local ver name port status
  while read -r ver name port status _; do
    [ "$port" = "$PG_PORT" ] && [ "$status" = "online" ] || continue
    info "Debian's cluster $ver/$name is running on port $PG_PORT: stopping it (pg_ctlcluster $ver $name stop)"
    pg_ctlcluster "$ver" "$name" stop || return 1
  done < <(pg_lsclusters -h 2>/dev/null)
}

pg_init_cluster() {
  install -d -o postgres -g postgres -m 0700 "$PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256
}

pg_write_config() {
  grep -q "include_if_exists = 'smartcity-local.conf'" "$PG_DATA/postgresql.conf" ||
    echo "include_if_exists = 'smartcity-local.conf'" >>"$PG_DATA/postgresql.conf"
  cat >"$PG_DATA/smartcity-local.conf" <<CONF
# Written by deploy/local/stack on every start: edit deploy/local/services/10-postgres.sh, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 200
shared_buffers = 512MB
effective_cache_size = 2GB
work_mem = 8MB
maintenance_work_mem = 128MB
synchronous_commit = on
wal_level = replica
max_wal_size = 2GB
password_encryption = scram-sha-256
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
timescaledb.max_background_workers = 8
max_worker_processes = 16
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
timezone = 'UTC'
CONF
  cat >"$PG_DATA/pg_hba.conf" <<HBA
# Written by deploy/local/stack. Superuser only through the local socket as the postgres OS user;
# everything else over TCP on 127.0.0.1 with SCRAM passwords.
local   all   postgres                 peer
host    all   all        127.0.0.1/32  scram-sha-256
HBA
  chown postgres:postgres "$PG_DATA/smartcity-local.conf" "$PG_DATA/pg_hba.conf"
}

postgres_start() {
  pg_resolve_paths create
  install -d -o postgres -g postgres -m 0755 "$PG_SOCK"
  touch "$PG_LOG" && chown postgres:postgres "$PG_LOG"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    step "initdb of our own cluster in $PG_DATA (owner: postgres OS user)" \
      run_logged "$LOGS_DIR/postgres-initdb.log" pg_init_cluster || return 1
  fi
  pg_write_config || return 1
  stop_debian_clusters_on_port || return 1
  if port_in_use "$PG_PORT"; then
    echo "port $PG_PORT is already used by another process: $(port_owner "$PG_PORT")" >&2
    return 1
  fi
  # 9>&-: the server must not inherit the stack lock (see take_lock in deploy/local/stack).
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -s start 9>&- </dev/null || return 1
  sleep 0.5
  record_pid postgres "$(postgres_pid)"
}

# Roles, database, extension and grants: idempotent, run on every `up` (a second's work).
postgres_after_start() {
  pg_resolve_paths
  step "roles smartcity_owner / smartcity_app, database smartcity" \
    pg_psql -d postgres -f "$STACK_DIR/postgres/bootstrap-cluster.sql" || return 1
  step "extension timescaledb, schema ownership and grants in smartcity" \
    pg_psql -d smartcity -f "$STACK_DIR/postgres/bootstrap-database.sql" || return 1
  local v
  v=$(PGPASSWORD=smartcity_app "$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$PG_PORT" -U smartcity_app -d smartcity \
    -c "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'") || return 1
  info "smartcity_app connects over TCP; timescaledb $v ($(pg_psql -At -d smartcity -c 'SHOW timescaledb.license') edition)"
}

postgres_stop() {
  pg_resolve_paths
  if postgres_alive; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 -s stop || return 1
  fi
  rm -f "$(pid_file postgres)"
}
