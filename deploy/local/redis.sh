#!/usr/bin/env bash
# A private Redis 7 server for local development and tests.
#
#   redis.sh start  DIR PORT   start (a cache: no persistence), wait until it answers PING
#   redis.sh stop   DIR        SHUTDOWN NOSAVE, or SIGTERM by pidfile when it does not answer
#   redis.sh kill   DIR        kill -9 (a crash)
#   redis.sh status DIR        exit 0 when running, 3 when not
#   redis.sh pid    DIR        prints the server's pid (for fault tests)
#
# Listens on 127.0.0.1:PORT only; unix socket, pidfile and log in DIR. No RDB
# snapshots and no AOF: Redis only holds a cache and pub/sub here, and
# PostgreSQL is the truth. maxmemory 256mb with allkeys-lru so a full cache
# evicts instead of failing writes.
#
# Environment:
#   AKHBAR_REDIS_START_TIMEOUT   seconds to wait for PING to answer (15).
set -euo pipefail

START_TIMEOUT=${AKHBAR_REDIS_START_TIMEOUT:-15}

die() {
  echo "redis.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start DIR PORT | stop DIR | kill DIR | status DIR | pid DIR" >&2
  exit 2
}

[ $# -ge 2 ] || usage
verb=$1
[ -n "$2" ] || usage
dir=$(realpath -m -- "$2")
pidfile=$dir/redis.pid
portfile=$dir/redis.port
log=$dir/redis.log

command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"

# True while `pid` runs. A zombie counts as gone: where PID 1 does not reap
# (some containers), a daemonized server that exited stays a zombie.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$state" != Z ]
}

server_pid() {
  local pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  # A stale pidfile may name an unrelated process that reused the pid.
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ] || return 1
  echo "$pid"
}

ping() {  # port
  [ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ]
}

tail_log() {
  if [ -f "$log" ]; then
    echo "---- last lines of $log ----" >&2
    tail -n 30 "$log" >&2 || true
  fi
}

wait_gone() {  # pid seconds
  local deadline=$((SECONDS + $2))
  while alive "$1"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}

case "$verb" in
  start)
    [ $# -eq 3 ] || usage
    port=$3
    [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] ||
      die "PORT must be a number from 1 to 65535, got '$port'"
    if pid=$(server_pid); then
      kill -CONT "$pid" 2>/dev/null || true
      configured=$(cat "$portfile" 2>/dev/null || true)
      if [ -n "$configured" ] && [ "$configured" != "$port" ]; then
        die "already running in $dir on port $configured, not $port; stop it first"
      fi
      echo "redis.sh: already running on 127.0.0.1:$port ($dir)"
      exit 0
    fi
    mkdir -p -- "$dir"
    socket=$dir/redis.sock
    [ ${#socket} -le 100 ] || die "path too long for the unix socket ($socket); use a shorter DIR"
    # Another process on the port would answer our PING and pass for ours.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "127.0.0.1:$port is already in use by another process"
    fi
    rm -f -- "$pidfile"
    echo "$port" >"$portfile"
    log_offset=$(stat -c %s "$log" 2>/dev/null || echo 0)
    # Arguments, not a config file: redis-server takes each as one directive,
    # so paths with spaces need no quoting.
    if ! redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
      --unixsocket "$socket" --unixsocketperm 700 \
      --dir "$dir" --pidfile "$pidfile" --logfile "$log" --daemonize yes \
      --save '' --appendonly no \
      --maxmemory 256mb --maxmemory-policy allkeys-lru; then
      tail_log
      die "redis-server failed to start (port $port)"
    fi
    # The daemon writes its pidfile once it listens, and logs "aborting" when
    # it cannot; wait for one or the other, then for PING.
    deadline=$((SECONDS + START_TIMEOUT))
    until server_pid >/dev/null && ping "$port"; do
      if tail -c +$((log_offset + 1)) "$log" 2>/dev/null | grep -q -i -E 'aborting|fatal'; then
        tail_log
        die "Redis failed to start on 127.0.0.1:$port"
      fi
      if [ $SECONDS -ge $deadline ]; then
        tail_log
        die "Redis did not answer PING on 127.0.0.1:$port within ${START_TIMEOUT}s"
      fi
      sleep 0.05
    done
    echo "redis.sh: running on 127.0.0.1:$port ($dir)"
    ;;
  stop)
    [ $# -eq 2 ] || usage
    if ! pid=$(server_pid); then
      echo "redis.sh: not running ($dir)"
      exit 0
    fi
    # A paused (SIGSTOP) server would not answer; wake it first.
    kill -CONT "$pid" 2>/dev/null || true
    port=$(cat "$portfile" 2>/dev/null || true)
    if [ -n "$port" ]; then
      timeout 5 redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
    fi
    if ! wait_gone "$pid" 5; then
      kill -TERM "$pid" 2>/dev/null || true
      if ! wait_gone "$pid" 10; then
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 5 || die "Redis (pid $pid) did not exit"
      fi
    fi
    rm -f -- "$pidfile"
    echo "redis.sh: stopped ($dir)"
    ;;
  kill)
    [ $# -eq 2 ] || usage
    if ! pid=$(server_pid); then
      echo "redis.sh: not running ($dir)"
      exit 0
    fi
    kill -KILL "$pid"
    wait_gone "$pid" 5 || die "Redis (pid $pid) survived kill -9"
    rm -f -- "$pidfile"
    echo "redis.sh: killed ($dir)"
    ;;
  status)
    [ $# -eq 2 ] || usage
    if pid=$(server_pid); then
      echo "redis.sh: running, pid $pid, port $(cat "$portfile" 2>/dev/null || echo '?') ($dir)"
    else
      echo "redis.sh: not running ($dir)"
      exit 3
    fi
    ;;
  pid)
    [ $# -eq 2 ] || usage
    server_pid || die "not running ($dir)"
    ;;
  *) usage ;;
esac
