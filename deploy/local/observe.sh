#!/usr/bin/env bash
# Prometheus (Debian's package) against the local stack, with the rules and
# alerts of deploy/prometheus: `observe.sh start` returns once it scrapes;
# `stack.sh down` stops it with everything else (its pid file is the stack's).
# Ports follow the stack's (AKHBAR_*_METRICS_PORT); Prometheus itself listens
# on AKHBAR_PROMETHEUS_PORT (9090).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${AKHBAR_STATE_DIR:-$ROOT/.state}
PORT=${AKHBAR_PROMETHEUS_PORT:-9090}
DIR=$STATE/prometheus

start() {
  mkdir -p "$DIR/data" "$STATE/pids" "$STATE/logs"
  if [ -f "$STATE/pids/prometheus.pid" ] && kill -0 "$(cat "$STATE/pids/prometheus.pid")" 2>/dev/null; then
    echo "observe: Prometheus already running on http://127.0.0.1:$PORT/"
    return
  fi
  # The checked-in configuration names the default ports: point it at this stack's.
  sed -e "s/127.0.0.1:9101/127.0.0.1:${AKHBAR_ARTICLE_METRICS_PORT:-9101}/" \
      -e "s/127.0.0.1:9102/127.0.0.1:${AKHBAR_TICKER_METRICS_PORT:-9102}/" \
      -e "s/127.0.0.1:9103/127.0.0.1:${AKHBAR_RELATED_METRICS_PORT:-9103}/" \
      -e "s/127.0.0.1:9104/127.0.0.1:${AKHBAR_GATEWAY_METRICS_PORT:-9104}/" \
      "$ROOT/deploy/prometheus/prometheus.yml" >"$DIR/prometheus.yml"
  cp "$ROOT/deploy/prometheus/rules.yml" "$ROOT/deploy/prometheus/alerts.yml" "$DIR/"
  prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
    --web.listen-address="127.0.0.1:$PORT" >>"$STATE/logs/prometheus.log" 2>&1 &
  echo $! >"$STATE/pids/prometheus.pid"
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/ready" 2>/dev/null && {
      echo "observe: Prometheus on http://127.0.0.1:$PORT/ (targets: /targets, alerts: /alerts)"
      return
    }
    sleep 0.2
  done
  echo "observe: Prometheus did not come up; see $STATE/logs/prometheus.log" >&2
  exit 1
}

case "${1:-}" in
  start) start ;;
  *) echo "usage: $0 start" >&2; exit 2 ;;
esac
