#!/usr/bin/env bash
# Measures «موضوعات متعلقة» end to end through the real services, on the
# labelled development corpus (README.md here says what and how long).
#
#   tools/eval_related/eval.sh           quality: precision at 5/10 per category
#                                        against a tf-idf baseline (make eval-related)
#   tools/eval_related/eval.sh --bench   speed: GetRelated latency without and with
#                                        the Redis cache, index build time, RSS
#                                        (make bench-related)
#
# Each run starts a private stack (PostgreSQL, Redis, the services) on free
# loopback ports in a temporary directory with no demo content, imports the
# corpus converted to the import format into one section, and removes it all
# when it ends, also on failure or Ctrl-C. The corpus is only read: the
# converted copy lives in the temporary directory.
#
# Environment:
#   AKHBAR_EVAL_CORPUS     the corpus (default ../shared/data/arabic-news-dev/articles.jsonl
#                          next to the repository); absent → the run is skipped (exit 0)
#   BUILD_DIR              build tree (default build/); built here if needed
#   AKHBAR_BENCH_ARTICLES  articles for --bench (default 6000: the corpus plus copies of
#                          part of it under new external ids)
#   AKHBAR_BENCH_THREADS   client thread counts for --bench, one run each (default "1 4")
#   AKHBAR_BENCH_LIMIT     GetRelated limit for --bench (default 5, the page's box)
#   AKHBAR_EVAL_KEEP=1     keep the temporary directory (logs) afterwards
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
CORPUS=${AKHBAR_EVAL_CORPUS:-$ROOT/../shared/data/arabic-news-dev/articles.jsonl}
BENCH_ARTICLES=${AKHBAR_BENCH_ARTICLES:-6000}
BENCH_THREADS=${AKHBAR_BENCH_THREADS:-1 4}
BENCH_LIMIT=${AKHBAR_BENCH_LIMIT:-5}
EDITOR_TOKEN=dev-editor-token
ADMIN_TOKEN=dev-admin-token
SECTION=تقييم

case "${1:-}" in
  "") MODE=quality ;;
  --bench) MODE=bench ;;
  *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
esac

if [ ! -f "$CORPUS" ]; then
  echo "eval-related: no corpus at $CORPUS (set AKHBAR_EVAL_CORPUS to a labelled JSON Lines" \
       "file, see tools/eval_related/README.md); skipped"
  exit 0
fi
CORPUS=$(realpath "$CORPUS")

say() { echo "eval-related: $*"; }

# ---- build ---------------------------------------------------------------
targets=(akhbar-article akhbar-ticker akhbar-related akhbar-gateway akhbarctl related_eval)
[ "$MODE" = bench ] && targets+=(related_latency)
"$ROOT/deploy/install-deps.sh"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
say "building ${targets[*]} in $BUILD_DIR"
build_log=$(mktemp /tmp/akhbar-eval-build.XXXXXX)
if ! cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target "${targets[@]}" >"$build_log" 2>&1; then
  cat "$build_log" >&2
  rm -f "$build_log"
  echo "eval-related: the build failed (above)" >&2
  exit 1
fi
rm -f "$build_log"
EVAL=$BUILD_DIR/tools/eval_related/related_eval
CTL=$BUILD_DIR/tools/akhbarctl/akhbarctl
RELATED_BIN=$BUILD_DIR/services/related/akhbar-related
LATENCY=$BUILD_DIR/tests/bench/related_latency

# ---- a private stack -----------------------------------------------------
STATE=$(mktemp -d /tmp/akhbar-eval.XXXXXX)
chmod 755 "$STATE"  # PostgreSQL runs as its own user and must reach $STATE/postgres
# Set before anything can fail: `stack.sh down` below must only ever see this directory.
export AKHBAR_STATE_DIR=$STATE

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ] && [ -d "$STATE/logs" ]; then
    echo "eval-related: failed (exit $rc); last log lines:" >&2
    tail -n 15 "$STATE"/logs/*.log >&2 2>/dev/null || true
  fi
  if [ "${AKHBAR_STATE_DIR:-}" = "$STATE" ]; then
    "$ROOT/deploy/local/stack.sh" down >/dev/null 2>&1 || true
  fi
  if [ "${AKHBAR_EVAL_KEEP:-0}" = 1 ]; then
    echo "eval-related: kept $STATE" >&2
  else
    rm -rf "$STATE"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mapfile -t ports < <("$EVAL" free-ports 10)
[ "${#ports[@]}" -eq 10 ] || { echo "eval-related: no free ports" >&2; exit 1; }
export AKHBAR_SEED=0 BUILD_DIR
export AKHBAR_PG_FAST=1        # a throwaway cluster: no fsync
export AKHBAR_DRAIN_GRACE_MS=0  # nobody to drain for: stop at once
export AKHBAR_PG_PORT=${ports[0]} AKHBAR_REDIS_PORT=${ports[1]}
export AKHBAR_ARTICLE_PORT=${ports[2]} AKHBAR_ARTICLE_METRICS_PORT=${ports[3]}
export AKHBAR_TICKER_PORT=${ports[4]} AKHBAR_TICKER_METRICS_PORT=${ports[5]}
export AKHBAR_RELATED_PORT=${ports[6]} AKHBAR_RELATED_METRICS_PORT=${ports[7]}
export AKHBAR_GATEWAY_PORT=${ports[8]} AKHBAR_GATEWAY_METRICS_PORT=${ports[9]}
DSN="host=127.0.0.1 port=$AKHBAR_PG_PORT dbname=akhbar user=akhbar connect_timeout=2"
RELATED_ADDR=127.0.0.1:$AKHBAR_RELATED_PORT

say "starting a private stack in $STATE (PostgreSQL on $AKHBAR_PG_PORT, related on $AKHBAR_RELATED_PORT)"
if ! "$ROOT/deploy/local/stack.sh" up >"$STATE/stack.out" 2>&1; then
  cat "$STATE/stack.out" >&2
  exit 1
fi

metric() {  # port name → value, or nothing
  { curl -fsS --max-time 2 "http://127.0.0.1:$1/metrics" 2>/dev/null || true; } |
    awk -v name="$2" '$1 == name && !found { print $2; found = 1 }'
}

wait_for_articles() {  # count timeout-seconds: until the related index holds `count`
  local want=$1 deadline=$((SECONDS + $2)) have=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    have=$(metric "$AKHBAR_RELATED_METRICS_PORT" akhbar_related_index_articles)
    if [ -n "$have" ] && awk -v a="$have" -v b="$want" 'BEGIN { exit !(a + 0 == b + 0) }' &&
       "$CTL" --addr "$RELATED_ADDR" health >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  echo "eval-related: the related index holds ${have:-?} articles, not $want, after $2 s" >&2
  return 1
}

import_corpus() {  # total (0: the corpus as is)
  local lines
  "$CTL" --addr "127.0.0.1:$AKHBAR_ARTICLE_PORT" --token "$ADMIN_TOKEN" \
    section create "$SECTION" "$SECTION" 1 >/dev/null
  lines=$("$EVAL" convert "$CORPUS" "$SECTION" "$STATE/import.jsonl" --total "$1")
  say "importing $lines articles into one section (no tags)"
  local started=$SECONDS
  "$CTL" --addr "127.0.0.1:$AKHBAR_ARTICLE_PORT" --token "$EDITOR_TOKEN" import "$STATE/import.jsonl"
  say "imported in $((SECONDS - started)) s; waiting for the related index to hold all of them"
  wait_for_articles "$lines" 300
  say "the related index holds $lines articles after $((SECONDS - started)) s"
  ARTICLES=$lines
}

CITATION="Corpus: A. Chouigui, O. Ben Khiroun, and B. Elayeb. ANT Corpus: An Arabic News Text \
Collection for Textual Classification. In Proceedings of the 14th ACS/IEEE International \
Conference on Computer Systems and Applications (AICCSA 2017), pp. 135-142, Hammamet, Tunisia, \
October 30 - November 3, 2017."

if [ "$MODE" = quality ]; then
  import_corpus 0
  say "querying every article (GetRelated, limit 10)"
  status=0
  "$EVAL" run "$CORPUS" --addr "$RELATED_ADDR" --dsn "$DSN" --limit 10 \
    --threshold "${AKHBAR_RELATED_THRESHOLD:-0.10}" || status=$?
  echo
  echo "$CITATION"
  exit "$status"
fi

# ---- --bench ---------------------------------------------------------------
# The related process is restarted once per configuration, so that each one
# builds its index from PostgreSQL at start (the build-seconds gauge) and its
# memory is that of a fresh process. Same environment as stack.sh gives it;
# its pid file stays where `stack.sh down` finds it.
related_pid() { cat "$STATE/pids/related.pid"; }

stop_related() {
  local pid
  pid=$(related_pid)
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

start_related() {  # on|off
  (
    export AKHBAR_LISTEN_HOST=127.0.0.1 AKHBAR_PG_DSN="$DSN"
    export AKHBAR_REDIS_ADDR=127.0.0.1:$AKHBAR_REDIS_PORT
    export AKHBAR_TOKENS="editor:$(sha256 "$EDITOR_TOKEN"),admin:$(sha256 "$ADMIN_TOKEN")"
    export AKHBAR_RELATED_CACHE=$1 AKHBAR_DRAIN_GRACE_MS=0
    exec "$RELATED_BIN" >>"$STATE/logs/related.log" 2>&1
  ) &
  echo $! >"$STATE/pids/related.pid"
}

rss_mib() {  # pid
  awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

declare -A build_s rss_built results
import_corpus "$BENCH_ARTICLES"
for cache in off on; do
  stop_related
  say "restarting the related service with AKHBAR_RELATED_CACHE=$cache"
  start_related "$cache"
  wait_for_articles "$ARTICLES" 120
  build_s[$cache]=$(metric "$AKHBAR_RELATED_METRICS_PORT" akhbar_related_index_build_seconds)
  rss_built[$cache]=$(rss_mib "$(related_pid)")
  say "index of $ARTICLES articles built in ${build_s[$cache]} s; related RSS ${rss_built[$cache]} MiB"
  for threads in $BENCH_THREADS; do
    say "GetRelated(limit $BENCH_LIMIT) for every article from $threads client thread(s):" \
        "a warm-up pass, then a measured pass"
    key="$cache $threads"
    results[$key]=$("$LATENCY" "$RELATED_ADDR" "$DSN" --threads "$threads" \
      --limit "$BENCH_LIMIT" --warmup-passes 1 --passes 1 --pid "$(related_pid)") || {
      echo "${results[$key]}"
      echo "eval-related: some GetRelated calls failed (above)" >&2
      exit 1
    }
    echo "${results[$key]}" | sed 's/^/  /'
  done
done

field() {  # text key → value of key=value
  tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2; exit }'
}
echo
printf '%-6s %8s %8s %10s %10s %10s %10s %7s | %9s %9s %9s\n' cache threads calls p50 p99 max \
  rate errors "build s" "RSS MiB" "peak MiB"
for key in "${!results[@]}"; do echo "$key"; done | sort -k1,1 -k2,2n | while read -r cache threads; do
  r=${results[$cache $threads]}
  printf '%-6s %8s %8s %10s %10s %10s %10s %7s | %9.2f %9s %9s\n' "$cache" "$threads" \
    "$(field "$r" calls)" "$(field "$r" p50)" "$(field "$r" p99)" "$(field "$r" max)" \
    "$(field "$r" rate)" "$(field "$r" errors)" "${build_s[$cache]}" \
    "$(field "$r" rss_after | sed 's/MiB//')" "$(field "$r" peak_rss | sed 's/MiB//')"
done
echo "($ARTICLES articles, GetRelated limit $BENCH_LIMIT, every article once per measured pass;" \
     "latency per call as the client sees it; client and server share this machine's $(nproc)" \
     "cores. RSS: the related process after the pass; peak: its high-water mark, reached during" \
     "the index build)"
echo
echo "$CITATION"
