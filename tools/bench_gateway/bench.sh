#!/usr/bin/env bash
# The gateway beside nginx serving the same bytes from files: requests/s and
# p99 of GET /api/v1/articles/{id} and of the article page, warm, with the
# same load tool, connections and duration, in one run (make bench-gateway).
#
# A private stack (PostgreSQL, Redis, the services, the gateway) with the
# demo content starts on free loopback ports in a temporary directory; the
# two answers are fetched from the gateway and written to files that nginx,
# configured as a static-file server should be, serves. Everything is removed
# when the run ends, also on failure or Ctrl-C.
#
# Environment:
#   BUILD_DIR                 build tree (default build/); built here if needed
#   AKHBAR_BENCH_DURATION     seconds per measurement (default 10)
#   AKHBAR_BENCH_CONNECTIONS  wrk connections (default 64)
#   AKHBAR_BENCH_THREADS      wrk threads (default 2)
#   AKHBAR_BENCH_IO_THREADS   the gateway's I/O thread counts, one run each (default "1 2"):
#                             on a 2-core machine the load tool needs a core too
#   AKHBAR_BENCH_ROUNDS       rounds per figure, nginx and gateway alternating (default 3);
#                             the median is reported, as this machine's figures drift
#   AKHBAR_PRIVATE_KEEP=1     keep the temporary directory (logs) afterwards
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
DURATION=${AKHBAR_BENCH_DURATION:-10}
CONNECTIONS=${AKHBAR_BENCH_CONNECTIONS:-64}
THREADS=${AKHBAR_BENCH_THREADS:-2}
IO_THREADS=${AKHBAR_BENCH_IO_THREADS:-1 2}
ROUNDS=${AKHBAR_BENCH_ROUNDS:-3}

say() { echo "bench-gateway: $*"; }

"$ROOT/deploy/install-deps.sh"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
say "building the services in $BUILD_DIR"
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" \
  --target akhbar-article akhbar-ticker akhbar-related akhbar-gateway akhbarctl >/dev/null

# shellcheck source=../../deploy/local/private_stack.sh
source "$ROOT/deploy/local/private_stack.sh"
# The limiter stays on, as in production, with room for the load tool.
export AKHBAR_GATEWAY_RATE_PER_SECOND=1000000000 AKHBAR_GATEWAY_RATE_BURST=1000000000
NGINX_PORT=$(free_port)
say "starting a private stack with the demo content"
private_stack_up bench-gateway
NGINX_PID=""
private_stack_on_exit '[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null'
GATEWAY=http://127.0.0.1:$AKHBAR_GATEWAY_PORT

mkdir -p "$STATE/www"
ARTICLE_PATH=/api/v1/articles/1
PAGE_PATH=$(curl -fsS -o /dev/null -w '%{redirect_url}' "$GATEWAY/news/1")
PAGE_PATH=/${PAGE_PATH#http*://*/}
curl -fsS "$GATEWAY$ARTICLE_PATH" -o "$STATE/www/article.json"
curl -fsS "$GATEWAY$PAGE_PATH" -o "$STATE/www/page.html"
chmod -R a+rX "$STATE/www"
say "article JSON $(stat -c %s "$STATE/www/article.json") bytes, page $(stat -c %s "$STATE/www/page.html") bytes"

# nginx as a static-file server should be: two workers (one per core),
# sendfile, cached open files, long keep-alive, no access log.
cat >"$STATE/nginx.conf" <<CONF
worker_processes 2;
pid $STATE/nginx.pid;
error_log $STATE/logs/nginx.log warn;
events { worker_connections 4096; }
http {
  types { application/json json; text/html html; }
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 60s;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  access_log off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $STATE/www;
  }
}
CONF
nginx -c "$STATE/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/article.json" && break; sleep 0.1; done

# wrk's summary → "requests/s p99_ms"
measure() {  # url
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$1" >/dev/null  # warm both alike
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { if (bad > 0) { print "wrk: " bad " non-2xx answers" > "/dev/stderr"; exit 1 } printf "%.0f %.2f\n", rps, p99 }'
}

# The gateway again with another number of I/O threads: same environment,
# same backends, same port.
GATEWAY_ENV=()
mapfile -d '' GATEWAY_ENV <"/proc/$(cat "$STATE/pids/gateway.pid")/environ"
restart_gateway() {  # io-threads
  local pid
  pid=$(cat "$STATE/pids/gateway.pid")
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  env -i "${GATEWAY_ENV[@]}" AKHBAR_GATEWAY_IO_THREADS="$1" \
    "$BUILD_DIR/services/gateway/akhbar-gateway" >>"$STATE/logs/gateway.log" 2>&1 &
  echo $! >"$STATE/pids/gateway.pid"
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$GATEWAY/readyz" 2>/dev/null && return 0; sleep 0.1; done
  echo "bench-gateway: the gateway did not come back" >&2
  return 1
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# "label nginx-url gateway-url": ROUNDS alternating runs of each, medians compared.
compare() {
  local label=$1 nginx_url=$2 gateway_url=$3 round nginx_runs="" gateway_runs=""
  for round in $(seq 1 "$ROUNDS"); do
    nginx_runs+="$(measure "$nginx_url")"$'\n'
    gateway_runs+="$(measure "$gateway_url")"$'\n'
  done
  local nr np gr gp
  nr=$(awk 'NF { print $1 }' <<<"$nginx_runs" | median)
  np=$(awk 'NF { print $2 }' <<<"$nginx_runs" | median)
  gr=$(awk 'NF { print $1 }' <<<"$gateway_runs" | median)
  gp=$(awk 'NF { print $2 }' <<<"$gateway_runs" | median)
  awk -v l="$label" -v nr="$nr" -v np="$np" -v gr="$gr" -v gp="$gp" 'BEGIN {
    printf "%-40s %12d %12d %6.2fx %8.2fms %8.2fms %6.2fx\n", l, nr, gr, gr / nr, np, gp, gp / np }'
}

echo
printf '%-40s %12s %12s %7s %10s %10s %7s\n' \
  "what ($THREADS thr, $CONNECTIONS conns, ${DURATION}s, median of $ROUNDS)" \
  "nginx req/s" "gw req/s" "ratio" "nginx p99" "gw p99" "ratio"
for io in $IO_THREADS; do
  restart_gateway "$io"
  compare "GET $ARTICLE_PATH, gw ${io} I/O thr" \
    "http://127.0.0.1:$NGINX_PORT/article.json" "$GATEWAY$ARTICLE_PATH"
  compare "GET article page, gw ${io} I/O thr" \
    "http://127.0.0.1:$NGINX_PORT/page.html" "$GATEWAY$PAGE_PATH"
done
echo
say "nginx: 2 workers, sendfile, open_file_cache; both measured with the same wrk settings"
say "aim: gateway req/s ≥ 1.0x nginx's, p99 ≤ 1.5x nginx's"
