#!/usr/bin/env bash
# make bench: every hot path of akhbar measured beside a reference that does
# the least possible work for the same answer, with the same load tool,
# connections and duration, in one run on one machine.
#
# A private stack (PostgreSQL, Redis, every service, the gateway) starts on
# free loopback ports; a generated Arabic corpus is imported into it; then
# each phase in tools/bench/phases/ measures its rows and appends them to
# results.jsonl, and tools/bench/report.sh turns those into results.json,
# results.md and chart.svg. Everything started is stopped when the run ends,
# also on failure or Ctrl-C.
#
# Environment:
#   BUILD_DIR                 build tree (default build/); built here if needed
#   AKHBAR_BENCH_OUT          where the results go (default $BUILD_DIR/bench)
#   AKHBAR_BENCH_ONLY         phases to run (default "import http grpc sse related")
#   AKHBAR_BENCH_ARTICLES     generated articles (default 6000)
#   AKHBAR_BENCH_DURATION     seconds per throughput measurement (default 10)
#   AKHBAR_BENCH_CONNECTIONS  connections / calls in flight (default 64)
#   AKHBAR_BENCH_ROUNDS       rounds per figure, ours and the reference alternating
#                             (default 3); medians are reported, as figures drift
#   AKHBAR_BENCH_WATCHERS     SSE watcher counts (default "1000 5000")
#   AKHBAR_PRIVATE_KEEP=1     keep the temporary directory (logs) afterwards
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
OUT=${AKHBAR_BENCH_OUT:-$BUILD_DIR/bench}
ONLY=${AKHBAR_BENCH_ONLY:-import http grpc sse related}
ARTICLES=${AKHBAR_BENCH_ARTICLES:-6000}
DURATION=${AKHBAR_BENCH_DURATION:-10}
CONNECTIONS=${AKHBAR_BENCH_CONNECTIONS:-64}
ROUNDS=${AKHBAR_BENCH_ROUNDS:-3}
WATCHERS=${AKHBAR_BENCH_WATCHERS:-1000 5000}
BENCH_TOOLS=$BUILD_DIR/tests/bench

say() { echo "bench: $*" >&2; }

"$ROOT/deploy/install-deps.sh"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
say "building the services and the measuring tools in $BUILD_DIR"
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target \
  akhbar-article akhbar-ticker akhbar-related akhbar-gateway akhbarctl \
  bench_corpus grpc_load grpc_bytes_server sse_watchers related_latency >/dev/null

# Thousands of SSE watchers each hold a descriptor here and in the gateway.
ulimit -n "$(ulimit -Hn)"

# shellcheck source=../../deploy/local/private_stack.sh
source "$ROOT/deploy/local/private_stack.sh"
# The limiter stays on, as in production, with room for the load tools.
export AKHBAR_GATEWAY_RATE_PER_SECOND=1000000000 AKHBAR_GATEWAY_RATE_BURST=1000000000
export AKHBAR_GATEWAY_MAX_CONNECTIONS=20000
# Calls waiting on Redis or PostgreSQL beyond this cap are shed with
# RESOURCE_EXHAUSTED (the sync server's threads, GetArticle's miss pool);
# sized here for the benchmark's calls in flight, as an operator would.
export AKHBAR_GRPC_MAX_THREADS=$((CONNECTIONS * 2))
say "starting a private stack"
private_stack_up bench
GATEWAY=http://127.0.0.1:$AKHBAR_GATEWAY_PORT
EDITOR_TOKEN=dev-editor-token
ADMIN_TOKEN=dev-admin-token
export PGOPTIONS=--client-min-messages=warning
PSQL=(psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$AKHBAR_PG_PORT dbname=akhbar user=akhbar")

mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: >"$RESULTS"

# record ID PATH REFERENCE AIM AIMS OURS REF: one row of the table. AIM is
# the aim in words; AIMS the same as checks ({} when only reported), any of
# min_rps_ratio, max_p99_ratio, max_p99_ms, max_lost; OURS and REF are
# objects with any of rps, p99_ms, seconds, lost (REF null when there is none).
record() {
  jq -nc --arg id "$1" --arg path "$2" --arg reference "$3" --arg aim "$4" \
    --argjson aims "$5" --argjson ours "$6" --argjson ref "$7" \
    '{id: $id, path: $path, reference: $reference, aim: $aim, aims: $aims, ours: $ours,
      ref: $ref}' >>"$RESULTS"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# A second instance of a running service with some settings changed, on new
# ports, stopped with the stack: `start_variant NAME SERVICE VAR=VALUE...`.
# It inherits the running one's environment, so it talks to the same stores.
start_variant() {
  local name=$1 service=$2 pid
  shift 2
  local environment=()
  mapfile -d '' environment <"/proc/$(cat "$STATE/pids/$service.pid")/environ"
  env -i "${environment[@]}" AKHBAR_MIGRATE=false "$@" \
    "$BUILD_DIR/services/$service/akhbar-$service" >>"$STATE/logs/$name.log" 2>&1 &
  pid=$!
  echo "$pid" >"$STATE/pids/$name.pid"
  private_stack_on_exit "kill $pid 2>/dev/null"
}

wait_until() {  # description command...
  local description=$1
  shift
  for _ in $(seq 1 300); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  say "$description did not happen; see $STATE/logs"
  return 1
}

ctl() { "$BUILD_DIR/tools/akhbarctl/akhbarctl" "$@"; }

for phase in $ONLY; do
  [ -f "$ROOT/tools/bench/phases/$phase.sh" ] || { say "no phase '$phase'"; exit 2; }
  say "phase $phase"
  # shellcheck source=/dev/null
  source "$ROOT/tools/bench/phases/$phase.sh"
done

"$ROOT/tools/bench/report.sh" "$RESULTS" "$OUT"
say "results in $OUT (results.json, results.md, chart.svg)"
