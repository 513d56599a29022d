#!/usr/bin/env bash
# The local stack: private PostgreSQL and Redis on loopback, every service
# built so far, demo content. `run` stays in the foreground (Ctrl-C stops all),
# `up` returns once everything serves, `down` stops everything it started.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
STATE=${AKHBAR_STATE_DIR:-$ROOT/.state}
LOGS=$STATE/logs
PIDS=$STATE/pids

PG_PORT=${AKHBAR_PG_PORT:-55432}
REDIS_PORT=${AKHBAR_REDIS_PORT:-56379}
ARTICLE_PORT=${AKHBAR_ARTICLE_PORT:-50051}
ARTICLE_METRICS_PORT=${AKHBAR_ARTICLE_METRICS_PORT:-9101}
TICKER_PORT=${AKHBAR_TICKER_PORT:-50052}
TICKER_METRICS_PORT=${AKHBAR_TICKER_METRICS_PORT:-9102}
RELATED_PORT=${AKHBAR_RELATED_PORT:-50053}
RELATED_METRICS_PORT=${AKHBAR_RELATED_METRICS_PORT:-9103}
GATEWAY_PORT=${AKHBAR_GATEWAY_PORT:-8080}
GATEWAY_METRICS_PORT=${AKHBAR_GATEWAY_METRICS_PORT:-9104}
# AKHBAR_SEED=0 starts an empty site (e.g. to import an evaluation corpus).
SEED=${AKHBAR_SEED:-1}

# service_env and the development tokens, shared with tools/fault.
source "$ROOT/deploy/local/service_env.sh"

start_service() {  # name binary
  local name=$1 binary=$2
  if [ -f "$PIDS/$name.pid" ] && kill -0 "$(cat "$PIDS/$name.pid")" 2>/dev/null; then
    echo "  $name already running"
    return
  fi
  [ -x "$binary" ] || { echo "stack: $binary is missing; run 'make build' first" >&2; exit 1; }
  "$binary" >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$PIDS/$name.pid"
}

wait_for() {  # description command...
  local description=$1; shift
  for _ in $(seq 1 150); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "stack: $description did not come up; see $LOGS" >&2
  tail -n 20 "$LOGS"/*.log >&2 || true
  exit 1
}

ctl() { "$BUILD_DIR/tools/akhbarctl/akhbarctl" --addr "127.0.0.1:$ARTICLE_PORT" "$@"; }
tickerctl() { "$BUILD_DIR/tools/akhbarctl/akhbarctl" --addr "127.0.0.1:$TICKER_PORT" "$@"; }
relatedctl() { "$BUILD_DIR/tools/akhbarctl/akhbarctl" --addr "127.0.0.1:$RELATED_PORT" "$@"; }

load_demo_content() {
  while IFS=$'\t' read -r slug name position; do
    [ -n "$slug" ] && [ "${slug:0:1}" != "#" ] || continue
    ctl --token "$ADMIN_TOKEN" section create "$slug" "$name" "$position" >/dev/null 2>&1 || true
  done <"$ROOT/deploy/seed/sections.tsv"
  ctl --token "$EDITOR_TOKEN" import "$ROOT/deploy/seed/articles.jsonl"
  # Headlines expire hours after loading. Each run pushes those not on the
  # ticker any more (the same headline twice is refused, and counted as
  # "already on the ticker"); articleExternalId becomes the article's id.
  tickerctl --token "$EDITOR_TOKEN" ticker push --from "$ROOT/deploy/seed/ticker.jsonl" \
    --article-addr "127.0.0.1:$ARTICLE_PORT"
}

up() {
  mkdir -p "$LOGS" "$PIDS"
  echo "akhbar: starting PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT"
  "$ROOT/deploy/local/postgres.sh" start "$STATE/postgres" "$PG_PORT"
  "$ROOT/deploy/local/redis.sh" start "$STATE/redis" "$REDIS_PORT"
  service_env
  echo "akhbar: starting services"
  start_service article "$BUILD_DIR/services/article/akhbar-article"
  start_service ticker "$BUILD_DIR/services/ticker/akhbar-ticker"
  # The related service indexes what the article service has published, so
  # it starts once migrations have run there.
  wait_for "the article service" ctl sections
  start_service related "$BUILD_DIR/services/related/akhbar-related"
  wait_for "the ticker service" tickerctl ticker list
  wait_for "the related service" relatedctl health
  start_service gateway "$BUILD_DIR/services/gateway/akhbar-gateway"
  wait_for "the gateway" curl -fsS "http://127.0.0.1:$GATEWAY_PORT/readyz"
  if [ "$SEED" = 1 ]; then
    echo "akhbar: loading demo content"
    load_demo_content
  fi
  cat <<MSG

akhbar is up: http://127.0.0.1:$GATEWAY_PORT/
  site           http://127.0.0.1:$GATEWAY_PORT/   (an article: http://127.0.0.1:$GATEWAY_PORT/news/1)
  JSON API       http://127.0.0.1:$GATEWAY_PORT/api/v1/articles   (every route: /openapi.json)
  article gRPC   127.0.0.1:$ARTICLE_PORT   (reflection on: grpcurl -plaintext 127.0.0.1:$ARTICLE_PORT list)
  ticker gRPC    127.0.0.1:$TICKER_PORT
  related gRPC   127.0.0.1:$RELATED_PORT
  metrics        http://127.0.0.1:$ARTICLE_METRICS_PORT/metrics   http://127.0.0.1:$TICKER_METRICS_PORT/metrics
                 http://127.0.0.1:$RELATED_METRICS_PORT/metrics   http://127.0.0.1:$GATEWAY_METRICS_PORT/metrics
  PostgreSQL     psql "host=127.0.0.1 port=$PG_PORT dbname=akhbar user=akhbar"
  Redis          redis-cli -p $REDIS_PORT
  CLI            $BUILD_DIR/tools/akhbarctl/akhbarctl list --section اتحاد-العالم-الاسلامي
                 $BUILD_DIR/tools/akhbarctl/akhbarctl ticker list --section اقتصاد
                 $BUILD_DIR/tools/akhbarctl/akhbarctl related 1
  dev tokens     editor: $EDITOR_TOKEN   admin: $ADMIN_TOKEN   reader: $READER_TOKEN
                 (export AKHBAR_TOKEN=… for akhbarctl)
  logs           $LOGS
MSG
}

down() {
  if [ -d "$PIDS" ]; then
    for pidfile in "$PIDS"/*.pid; do
      [ -f "$pidfile" ] || continue
      pid=$(cat "$pidfile")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
      fi
      rm -f "$pidfile"
    done
  fi
  "$ROOT/deploy/local/redis.sh" stop "$STATE/redis" || true
  "$ROOT/deploy/local/postgres.sh" stop "$STATE/postgres" || true
  echo "akhbar: stopped"
}

status() {
  for pidfile in "$PIDS"/*.pid; do
    [ -f "$pidfile" ] || continue
    name=$(basename "$pidfile" .pid)
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "$name: running"; else echo "$name: dead"; fi
  done
  "$ROOT/deploy/local/postgres.sh" status "$STATE/postgres" || true
  "$ROOT/deploy/local/redis.sh" status "$STATE/redis" || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  run)
    trap 'echo; [ -n "${tail_pid:-}" ] && kill "$tail_pid" 2>/dev/null; down; exit 0' INT TERM
    up
    echo "Ctrl-C stops everything."
    tail -n 0 -F "$LOGS"/*.log &
    tail_pid=$!
    wait
    ;;
  *) echo "usage: $0 run|up|down|status" >&2; exit 2 ;;
esac
