# Sourced by scripts that need a whole stack of their own (benchmarks, the
# browser test): `private_stack_up NAME` starts PostgreSQL, Redis, every
# service and the gateway on free loopback ports in a fresh temporary
# directory, and removes it all when the calling script exits, also on
# failure or Ctrl-C. Afterwards AKHBAR_*_PORT say where everything is.
#
#   AKHBAR_SEED=0            start without the demo content
#   AKHBAR_PRIVATE_KEEP=1    keep the temporary directory (logs) afterwards

PRIVATE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
declare -A PRIVATE_PORTS_TAKEN
PRIVATE_CLEANUPS=()

# A loopback port nobody listens on, not handed out before by this script.
# Below the kernel's ephemeral range (32768 and up), where client sockets
# would hold ports that nothing listens on.
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 12000))
    [ -z "${PRIVATE_PORTS_TAKEN[$port]:-}" ] || continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      PRIVATE_PORTS_TAKEN[$port]=1
      echo "$port"
      return
    fi
  done
}

# Runs `command` when the stack goes down (before the stack itself stops).
private_stack_on_exit() { PRIVATE_CLEANUPS+=("$*"); }

private_stack_cleanup() {
  local rc=$? command
  trap - EXIT INT TERM
  for command in "${PRIVATE_CLEANUPS[@]}"; do eval "$command" || true; done
  if [ "$rc" -ne 0 ] && [ -d "$STATE/logs" ]; then
    echo "$PRIVATE_NAME: failed (exit $rc); last log lines:" >&2
    tail -n 15 "$STATE"/logs/*.log >&2 2>/dev/null || true
  fi
  if [ "${AKHBAR_STATE_DIR:-}" = "$STATE" ]; then
    "$PRIVATE_ROOT/deploy/local/stack.sh" down >/dev/null 2>&1 || true
  fi
  if [ "${AKHBAR_PRIVATE_KEEP:-0}" = 1 ]; then
    echo "$PRIVATE_NAME: kept $STATE" >&2
  else
    rm -rf "$STATE"
  fi
  exit "$rc"
}

private_stack_up() {  # name
  PRIVATE_NAME=$1
  STATE=$(mktemp -d "/tmp/akhbar-$PRIVATE_NAME.XXXXXX")
  chmod 755 "$STATE"  # PostgreSQL runs as its own user and must reach $STATE/postgres
  # Set before anything can fail: `stack.sh down` must only ever see this directory.
  export AKHBAR_STATE_DIR=$STATE
  trap private_stack_cleanup EXIT
  trap 'exit 130' INT TERM
  # A throwaway cluster: no fsync. Nobody to drain for: stop at once. (The
  # fault runs set both to what a deployment has.)
  export AKHBAR_PG_FAST=${AKHBAR_PG_FAST:-1}
  export AKHBAR_DRAIN_GRACE_MS=${AKHBAR_DRAIN_GRACE_MS:-0}
  local name
  for name in PG REDIS ARTICLE ARTICLE_METRICS TICKER TICKER_METRICS RELATED RELATED_METRICS \
              GATEWAY GATEWAY_METRICS; do
    export "AKHBAR_${name}_PORT=$(free_port)"
  done
  if ! "$PRIVATE_ROOT/deploy/local/stack.sh" up >"$STATE/stack.out" 2>&1; then
    cat "$STATE/stack.out" >&2
    return 1
  fi
}
