#!/usr/bin/env bash
# make observe's Prometheus against a whole stack of its own: every target is
# scraped and up, a known query answers for every process, the alerts are
# loaded and every query of the Grafana dashboard evaluates.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
export BUILD_DIR
# shellcheck source=../../deploy/local/private_stack.sh
source "$ROOT/deploy/local/private_stack.sh"
AKHBAR_SEED=0 private_stack_up observe-test
export AKHBAR_PROMETHEUS_PORT
AKHBAR_PROMETHEUS_PORT=$(free_port)
"$ROOT/deploy/local/observe.sh" start
api=http://127.0.0.1:$AKHBAR_PROMETHEUS_PORT/api/v1

up=0
for _ in $(seq 1 150); do
  up=$({ curl -fsS "$api/targets?state=active" || true; } | { grep -o '"health":"up"' || true; } | wc -l)
  [ "$up" -eq 4 ] && break
  sleep 0.2
done
[ "$up" -eq 4 ] || { echo "observe test: $up of 4 targets up"; curl -fsS "$api/targets"; exit 1; }

answer=$(curl -fsS --data-urlencode 'query=count(akhbar_build_info)' "$api/query")
echo "$answer" | grep -q '"value":\[[0-9.]*,"4"\]' || {
  echo "observe test: count(akhbar_build_info) is not 4: $answer"
  exit 1
}
rules=$(curl -fsS "$api/rules")
echo "$rules" | grep -q '"name":"AkhbarOutboxLag"' || { echo "observe test: the alerts are not loaded"; exit 1; }
# Every query of the Grafana dashboard is valid PromQL over these series.
mapfile -t exprs < <(node -e '
  const dashboard = require(process.argv[1]);
  for (const panel of dashboard.panels) for (const target of panel.targets || []) console.log(target.expr);
' "$ROOT/deploy/grafana/dashboards/akhbar.json")
[ "${#exprs[@]}" -gt 20 ] || { echo "observe test: only ${#exprs[@]} dashboard queries found"; exit 1; }
for expr in "${exprs[@]}"; do
  answer=$(curl -sS --data-urlencode "query=$expr" "$api/query")
  echo "$answer" | grep -q '"status":"success"' ||
    { echo "observe test: a dashboard query fails: $expr → $answer"; exit 1; }
done
echo "observe test: 4 targets up, akhbar_build_info from each, alerts loaded," \
     "${#exprs[@]} dashboard queries valid"
