#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for local development and tests.
#
#   postgres.sh start  DIR PORT   initdb if DIR has no cluster yet, start, create db "akhbar"
#   postgres.sh stop   DIR        fast shutdown (rolls back open transactions, exits cleanly)
#   postgres.sh kill   DIR        immediate shutdown (like a crash: recovery on next start)
#   postgres.sh status DIR        exit 0 when running, 3 when not
#   postgres.sh pid    DIR        prints the postmaster's pid (for fault tests)
#
# The server listens on 127.0.0.1:PORT only, with its unix socket and log in DIR
# and its data in DIR/data. Superuser "akhbar", trust authentication: this is a
# loopback-only development server, never a deployment.
#
# Environment:
#   AKHBAR_PG_FAST=1          tests only: initdb --no-sync, fsync off. An OS crash may then
#                             lose or corrupt data; a server crash does not. Default: durable.
#   AKHBAR_PG_START_TIMEOUT   seconds to wait for the server to accept connections (30).
#   AKHBAR_PG_BIN             PostgreSQL binaries (/usr/lib/postgresql/15/bin).
set -euo pipefail

PG_BIN=${AKHBAR_PG_BIN:-/usr/lib/postgresql/15/bin}
START_TIMEOUT=${AKHBAR_PG_START_TIMEOUT:-30}
FAST=${AKHBAR_PG_FAST:-0}

die() {
  echo "postgres.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start DIR PORT | stop DIR | kill DIR | status DIR | pid DIR" >&2
  exit 2
}

# PostgreSQL refuses to run as root, so as root every server-side command runs
# as the `postgres` system user, which must own DIR.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

[ $# -ge 2 ] || usage
verb=$1
[ -n "$2" ] || usage
dir=$(realpath -m -- "$2")
data=$dir/data
log=$dir/postgres.log
conf=$data/akhbar.conf

[ -x "$PG_BIN/pg_ctl" ] || die "no PostgreSQL binaries in $PG_BIN (install postgresql-15 or set AKHBAR_PG_BIN)"

postmaster_pid() {
  [ -f "$data/postmaster.pid" ] && head -n 1 "$data/postmaster.pid"
}

# True while the postmaster of DIR runs. Not `pg_ctl status`: after a kill -9
# the postmaster may linger as a zombie (where PID 1 reaps lazily, as in some
# containers and VMs), and pg_ctl would call that running.
running() {
  local pid state
  [ -f "$data/PG_VERSION" ] || return 1
  pid=$(postmaster_pid 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$state" != Z ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ]
}

# A stopped (SIGSTOP) server would ignore shutdown requests; wake it first.
# pg_ctl starts the postmaster in its own session, so its process group holds
# every backend too.
wake() {
  local pid
  pid=$(postmaster_pid 2>/dev/null) || return 0
  [ -n "$pid" ] || return 0
  kill -CONT -- "-$pid" 2>/dev/null || kill -CONT "$pid" 2>/dev/null || true
}

tail_log() {
  if [ -f "$log" ]; then
    echo "---- last lines of $log ----" >&2
    tail -n 30 "$log" >&2 || true
  fi
}

# Values in postgresql.conf are single-quoted; a quote inside is doubled.
conf_quote() {
  printf "'%s'" "${1//\'/\'\'}"
}

prepare_dir() {
  mkdir -p -- "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres -- "$dir"
    chmod 700 -- "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "the postgres user cannot reach $dir (a parent directory is not searchable); use a directory under /tmp or /var/tmp"
  fi
  # Unix socket paths are limited to 107 bytes; the server refuses to start
  # without its socket, so say so now rather than in the log.
  local socket="$dir/.s.PGSQL.$port"
  [ ${#socket} -le 100 ] || die "path too long for the unix socket ($socket); use a shorter DIR"
}

init_cluster() {
  echo "postgres.sh: creating a new cluster in $data"
  local args=(-D "$data" -U akhbar --auth=trust --encoding=UTF8 --locale=C.UTF-8)
  if [ "$FAST" = 1 ]; then
    args+=(--no-sync)
  fi
  if ! as_server_user "$PG_BIN/initdb" "${args[@]}" >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed"
  fi
  # Our settings live in one file rewritten at every start (the port may
  # change); postgresql.conf only includes it.
  echo "include_if_exists = 'akhbar.conf'" | as_server_user tee -a "$data/postgresql.conf" >/dev/null
}

write_conf() {
  {
    echo "# Written by deploy/local/postgres.sh at every start; edits are lost."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = $(conf_quote "$dir")"
    echo "max_connections = 200"
    echo "logging_collector = off"
    echo "log_min_messages = warning"
    if [ "$FAST" = 1 ]; then
      # Throwaway test clusters only: an OS crash may lose or corrupt data.
      # A server crash (kill -9, immediate stop) still loses nothing that was
      # committed, because WAL still reaches the OS at commit; that is why
      # synchronous_commit stays on, so crash tests keep their meaning.
      echo "fsync = off"
      echo "full_page_writes = off"
    fi
  } | as_server_user tee "$conf" >/dev/null
}

create_database() {
  local exists
  exists=$("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U akhbar -d postgres -XtAq \
    -c "SELECT 1 FROM pg_database WHERE datname = 'akhbar'") ||
    die "cannot query the server on 127.0.0.1:$port"
  if [ "$exists" != 1 ]; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U akhbar -E UTF8 -T template0 akhbar ||
      die "createdb akhbar failed"
    echo "postgres.sh: created database akhbar"
  fi
}

wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U akhbar -t 1; do
    if [ $SECONDS -ge $deadline ]; then
      tail_log
      die "PostgreSQL did not accept connections on 127.0.0.1:$port within ${START_TIMEOUT}s"
    fi
    sleep 0.1
  done
}

case "$verb" in
  start)
    [ $# -eq 3 ] || usage
    port=$3
    [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] ||
      die "PORT must be a number from 1 to 65535, got '$port'"
    if running; then
      wake
      configured=$(sed -n 's/^port = //p' "$conf" 2>/dev/null || true)
      if [ -n "$configured" ] && [ "$configured" != "$port" ]; then
        die "already running in $dir on port $configured, not $port; stop it first"
      fi
      wait_ready
      create_database
      echo "postgres.sh: already running on 127.0.0.1:$port ($dir)"
      exit 0
    fi
    prepare_dir
    # After a kill -9 the dead postmaster may still be an unreaped zombie; the
    # server would take its lock files for a live one's and refuse to start.
    for lock in "$data/postmaster.pid" "$dir/.s.PGSQL.$port.lock"; do
      stale=$(head -n 1 "$lock" 2>/dev/null || true)
      if [[ "$stale" =~ ^[0-9]+$ ]] && [ "$(awk '{print $3}' "/proc/$stale/stat" 2>/dev/null)" = Z ]; then
        echo "postgres.sh: removing $lock of dead postmaster $stale"
        rm -f -- "$lock"
      fi
    done
    if [ ! -f "$data/PG_VERSION" ]; then
      init_cluster
    fi
    write_conf
    # -w waits for the server to start; readiness for TCP clients is checked
    # separately below, so the timeout here is the same bound.
    if ! as_server_user "$PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t "$START_TIMEOUT" \
      >"$dir/pg_ctl.log" 2>&1; then
      cat "$dir/pg_ctl.log" >&2
      tail_log
      die "PostgreSQL failed to start (data $data, port $port)"
    fi
    wait_ready
    create_database
    echo "postgres.sh: running on 127.0.0.1:$port ($dir)"
    ;;
  stop | kill)
    [ $# -eq 2 ] || usage
    if ! running; then
      echo "postgres.sh: not running ($dir)"
      exit 0
    fi
    wake
    mode=fast
    [ "$verb" = kill ] && mode=immediate
    if ! as_server_user "$PG_BIN/pg_ctl" stop -D "$data" -m "$mode" -w -t 60 >/dev/null; then
      tail_log
      die "PostgreSQL did not stop ($mode mode)"
    fi
    echo "postgres.sh: stopped ($mode) ($dir)"
    ;;
  status)
    [ $# -eq 2 ] || usage
    if running; then
      echo "postgres.sh: running, pid $(postmaster_pid) ($dir)"
    else
      echo "postgres.sh: not running ($dir)"
      exit 3
    fi
    ;;
  pid)
    [ $# -eq 2 ] || usage
    running || die "not running ($dir)"
    postmaster_pid
    ;;
  *) usage ;;
esac
