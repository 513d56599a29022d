#!/usr/bin/env bash
# make fault: each fault scenario under a steady mixed load through the
# gateways, on a private stack with two replicas of every service and of the
# gateway (as in production), PostgreSQL durable (fsync on) and the drain
# grace of a deployment. Each scenario: load.mjs runs for a while; the fault
# is injected after a warm-up and undone later; then every write the load
# was told succeeded is looked for in PostgreSQL, and nothing may be there
# twice. report.mjs prints the table and fails the run when a promise broke.
#
# Environment:
#   BUILD_DIR              build tree (default build/); built here if needed
#   AKHBAR_FAULT_OUT       where results go (default $BUILD_DIR/fault)
#   AKHBAR_FAULT_ONLY      scenarios to run (default: all, in the order below)
#   AKHBAR_FAULT_SECONDS   load per scenario (default 20; the rolling restart takes longer)
#   AKHBAR_PRIVATE_KEEP=1  keep the temporary directory (logs) afterwards
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
OUT=${AKHBAR_FAULT_OUT:-$BUILD_DIR/fault}
ONLY=${AKHBAR_FAULT_ONLY:-redis-kill redis-hang pg-stop pg-hang replica-kill rolling-restart overload}
LOAD_SECONDS=${AKHBAR_FAULT_SECONDS:-20}
WARMUP=6   # seconds of load before the fault
OUTAGE=5   # seconds the fault lasts
# A hang lasts longer than the gateway's write deadline (10 s), so that
# every deadline on the way has to fire.
HANG=12

say() { echo "fault: $*" >&2; }

"$ROOT/deploy/install-deps.sh"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
say "building the services in $BUILD_DIR"
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target \
  akhbar-article akhbar-ticker akhbar-related akhbar-gateway akhbarctl >/dev/null

rm -rf "$OUT"
mkdir -p "$OUT"

# shellcheck source=../../deploy/local/private_stack.sh
source "$ROOT/deploy/local/private_stack.sh"
export AKHBAR_PG_FAST=0          # an acknowledged write must survive the crash for real
export AKHBAR_DRAIN_GRACE_MS=500  # readiness fails this long before a replica stops
# One client address sends everything here; the per-client limit is for
# readers behind a load balancer, and the overload scenario sees the shedding
# that protects the services whoever sends.
export AKHBAR_GATEWAY_RATE_PER_SECOND=0
say "starting a private stack with demo content"
private_stack_up fault
# shellcheck source=replicas.sh
source "$ROOT/tools/fault/replicas.sh"
replicas_up
say "two replicas of every service and two gateways are up"

sampler_start "$OUT/samples.tsv"
private_stack_on_exit sampler_stop

# A moment of the scenario, with the Redis cache's lookups so far.
event() { echo "$1 $(date +%s%3N) $(cache_lookups)" >>"$OUT/$SCENARIO.events"; }

# Runs the steady load for `seconds` in the background; `wait_load` waits for it.
start_load() {  # seconds
  node "$ROOT/tools/fault/load.mjs" --gateways "$(gateway_addresses)" --seconds "$1" \
    --token "$EDITOR_TOKEN" --section "$FAULT_SECTION" --ids "$FAULT_IDS" \
    --scenario "$SCENARIO" --out "$OUT/$SCENARIO.json" >&2 &
  LOAD_PID=$!
  event load
}
wait_load() {
  wait "$LOAD_PID"
  event end
}

# Every write of the scenario as PostgreSQL has it: title and number of rows.
record_writes() {
  psql_query "SELECT title, count(*) FROM articles WHERE title LIKE 'اختبار الأعطال $SCENARIO %'
              GROUP BY title" >"$OUT/$SCENARIO.found.tsv"
}

# A fault scenario: inject after the warm-up, undo after the outage.
run_fault() {  # inject-command restore-command [outage-seconds]
  local outage=${3:-$OUTAGE}
  start_load $((LOAD_SECONDS + outage - OUTAGE))
  sleep "$WARMUP"
  event inject
  eval "$1"
  sleep "$outage"
  event restore
  eval "$2"
  event restored
  wait_load
  record_writes
}

for SCENARIO in $ONLY; do
  say "scenario $SCENARIO"
  case $SCENARIO in
    redis-kill) run_fault "kill -KILL \$(redis_pid)" redis_start ;;
    redis-hang) run_fault "kill -STOP \$(redis_pid)" "kill -CONT \$(redis_pid)" "$HANG" ;;
    pg-stop) run_fault pg_crash pg_start ;;
    pg-hang) run_fault "pg_signal STOP" "pg_signal CONT" "$HANG" ;;
    replica-kill)
      run_fault "for name in article-b ticker-b related-b gateway-b; do replica_kill \$name; done" \
        "for name in article-b ticker-b related-b gateway-b; do replica_start \$name; done"
      ;;
    rolling-restart)
      start_load $((LOAD_SECONDS + 45))
      sleep "$WARMUP"
      event inject
      for name in $REPLICAS; do replica_roll "$name"; done
      event restored
      wait_load
      record_writes
      ;;
    overload)
      # The load stands for readers on other machines: it must not queue for
      # the CPU behind the stack it overloads, or its clock would measure that.
      nice -n -10 node "$ROOT/tools/fault/overload.mjs" --gateways "$(gateway_addresses)" \
        --path "$FAULT_BUSTED_PAGE" --out "$OUT/$SCENARIO.json" >&2
      ;;
    *) say "unknown scenario $SCENARIO"; exit 2 ;;
  esac
done

node "$ROOT/tools/fault/report.mjs" --dir "$OUT" --scenarios "$ONLY" | tee "$OUT/results.md"
