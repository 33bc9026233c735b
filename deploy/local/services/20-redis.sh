# Redis from Debian's redis-server package, as our own instance (not the packaged service) on 127.0.0.1:6379.

REDIS_PORT=6379
REDIS_DATA="$DATA_DIR/redis"
REDIS_CONF="$REDIS_DATA/redis.conf"

redis_describe() { echo "Redis on 127.0.0.1:$REDIS_PORT"; }
redis_timeout() { echo 30; }
redis_logs() { log_file redis; }

redis_install() {
  step "Debian package redis-server" apt_ensure redis-server redis-tools
}

redis_alive() { our_pid redis >/dev/null; }
redis_pid() { our_pid redis; }
redis_health() {
  redis_alive && [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

# Debian's packaged service (started by its init script or systemd) would hold port 6379: stop it and say so.
stop_debian_redis() {
  local pidf=/run/redis/redis-server.pid pid
  pid=$(cat "$pidf" 2>/dev/null) || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  info "Debian's redis-server service (pid $pid) is running: stopping it"
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl stop redis-server
  elif [ -x /etc/init.d/redis-server ]; then
    /etc/init.d/redis-server stop
  else
    kill -TERM "$pid"
  fi
}

redis_start() {
  mkdir -p "$REDIS_DATA"
  cat >"$REDIS_CONF" <<CONF
# Written by deploy/local/stack on every start: edit deploy/local/services/20-redis.sh, not this file.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
supervised no
logfile ""
dir $REDIS_DATA
dbfilename dump.rdb
appendonly no
save 3600 1 300 100
maxmemory 512mb
maxmemory-policy noeviction
CONF
  stop_debian_redis || return 1
  if port_in_use "$REDIS_PORT"; then
    echo "port $REDIS_PORT is already used by another process: $(port_owner "$REDIS_PORT")" >&2
    return 1
  fi
  start_daemon redis "$(log_file redis)" redis-server "$REDIS_CONF"
}

redis_stop() { stop_pid redis 20; }
