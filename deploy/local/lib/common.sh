# Shared helpers of the local stack manager: paths, output with timings, pid files, waiting, memory.
# Sourced by deploy/local/stack; every function here is side-effect free unless its name says otherwise.

STACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_ROOT=$(cd "$STACK_DIR/../.." && pwd)
LOCAL_DIR="$REPO_ROOT/.local"
DOWNLOADS_DIR="$LOCAL_DIR/downloads"
OPT_DIR="$LOCAL_DIR/opt"
DATA_DIR="$LOCAL_DIR/data"
LOGS_DIR="$LOCAL_DIR/logs"
RUN_DIR="$LOCAL_DIR/run"

# shellcheck disable=SC1091 # path resolved at run time
source "$STACK_DIR/versions.env"

now_ms() { date +%s%3N; }
fmt_ms() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }

say() { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '    ! %s\n' "$*" >&2; }
die() {
  printf '!! %s\n' "$*" >&2
  exit 1
}

# step "what it does" command args...: prints the step, runs it, prints how long it took; stops `up` on failure.
step() {
  local what=$1
  shift
  local t0 rc
  t0=$(now_ms)
  printf '  -> %s\n' "$what"
  "$@"
  rc=$?
  if [ "$rc" -ne 0 ]; then
    printf '  !! %s failed (exit %d) after %s\n' "$what" "$rc" "$(fmt_ms $(($(now_ms) - t0)))" >&2
    return "$rc"
  fi
  printf '     done in %s\n' "$(fmt_ms $(($(now_ms) - t0)))"
}

# run_logged LOGFILE command...: runs a noisy command with its output in LOGFILE; on failure shows the tail.
run_logged() {
  local log=$1
  shift
  mkdir -p "$(dirname "$log")"
  if ! "$@" >>"$log" 2>&1; then
    printf '     command failed: %s\n     last lines of %s:\n' "$*" "$log" >&2
    tail -n 30 "$log" | sed 's/^/     | /' >&2
    return 1
  fi
}

ensure_dirs() {
  mkdir -p "$DOWNLOADS_DIR" "$OPT_DIR" "$DATA_DIR" "$LOGS_DIR" "$RUN_DIR"
}

pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }
log_file() { printf '%s/%s.log' "$LOGS_DIR" "$1"; }

# Start time of a process (clock ticks since boot, /proc/PID/stat field 22): with the pid, identifies one process.
proc_starttime() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null; }

# record_pid SERVICE PID: the pid file holds "pid starttime".
record_pid() { printf '%s %s\n' "$2" "$(proc_starttime "$2")" >"$(pid_file "$1")"; }

# The pid recorded for a service, only if that very process is still alive (same pid AND same start time), so a
# recycled pid of someone else's process is never mistaken for ours, and never signalled.
our_pid() {
  local f pid st
  f=$(pid_file "$1")
  [ -f "$f" ] || return 1
  read -r pid st <"$f" 2>/dev/null || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [ -n "$st" ] && [ "$(proc_starttime "$pid")" = "$st" ] || return 1
  printf '%s' "$pid"
}

# start_daemon SERVICE LOGFILE command...: starts a long-running process detached from this shell (own session,
# no stdin), appending its output to LOGFILE, and records its pid.
start_daemon() {
  local svc=$1 log=$2
  shift 2
  mkdir -p "$(dirname "$log")"
  printf '\n===== %s starting %s =====\n' "$(date -u +%FT%TZ)" "$svc" >>"$log"
  # 9>&-: the daemon must not inherit the stack lock (see take_lock in deploy/local/stack).
  setsid "$@" >>"$log" 2>&1 </dev/null 9>&- &
  record_pid "$svc" $!
}

# stop_pid SERVICE [timeout_s]: SIGTERM our recorded process, SIGKILL after the timeout, remove the pid file.
stop_pid() {
  local svc=$1 timeout=${2:-30} pid i
  if ! pid=$(our_pid "$svc"); then
    rm -f "$(pid_file "$svc")"
    return 0
  fi
  # start_daemon made the process a session and group leader: signal its whole group (a launcher script and the
  # JVM it started), and only when that is really the case.
  local target=$pid
  [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ] && target=-$pid
  kill -TERM -- "$target" 2>/dev/null || true
  for ((i = 0; i < timeout * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$svc (pid $pid) did not stop within ${timeout}s: sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$svc")"
}

# wait_healthy SERVICE TIMEOUT_S: polls <service>_health until it succeeds; fails early if the process died.
wait_healthy() {
  local svc=$1 timeout=$2 t0
  t0=$(date +%s)
  while true; do
    if "${svc}_health" >/dev/null 2>&1; then return 0; fi
    if ! "${svc}_alive"; then
      printf '     %s exited before becoming healthy\n' "$svc" >&2
      return 1
    fi
    if (($(date +%s) - t0 >= timeout)); then
      printf '     %s not healthy after %ss\n' "$svc" "$timeout" >&2
      return 1
    fi
    sleep 1
  done
}

# show_log_tail SERVICE [lines]: prints the end of the service's log(s), for failure messages.
show_log_tail() {
  local svc=$1 n=${2:-40} f
  for f in $("${svc}_logs"); do
    [ -s "$f" ] || continue
    printf '     ---- last %d lines of %s ----\n' "$n" "$f" >&2
    tail -n "$n" "$f" | sed 's/^/     | /' >&2
  done
}

# Who listens on a TCP port of 127.0.0.1 / any address: prints "pid command" or nothing.
port_owner() {
  local port=$1 line pid
  line=$(ss -ltnpH "sport = :$port" 2>/dev/null | head -n 1)
  [ -n "$line" ] || return 1
  pid=$(printf '%s' "$line" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
  printf '%s %s' "${pid:-?}" "$(tr '\0' ' ' <"/proc/${pid:-0}/cmdline" 2>/dev/null | cut -c1-120)"
}

port_in_use() { [ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]; }

# Memory of a process tree: "rss_mib pss_mib nprocs" (RSS summed over the tree over-counts shared pages, so PSS too).
tree_pids() {
  local pid=$1 child
  printf '%s\n' "$pid"
  for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do tree_pids "$child"; done
}
tree_mem() {
  local root=$1 rss=0 pss=0 n=0 p r s
  for p in $(tree_pids "$root"); do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null)
    s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
    rss=$((rss + ${r:-0}))
    pss=$((pss + ${s:-0}))
    n=$((n + 1))
  done
  printf '%d %d %d' $((rss / 1024)) $((pss / 1024)) "$n"
}
