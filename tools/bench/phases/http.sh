# Sourced by tools/bench/bench.sh. The gateway's warm JSON and HTML answers
# beside nginx serving the same bytes from files, configured as a static-file
# server should be; wrk with the same threads, connections and duration.

WRK_THREADS=${AKHBAR_BENCH_WRK_THREADS:-2}
ARTICLE_PATH=/api/v1/articles/${BENCH_ARTICLE_ID:-1}
PAGE_PATH=$(curl -fsS -o /dev/null -w '%{redirect_url}' "$GATEWAY/news/${BENCH_ARTICLE_ID:-1}")
PAGE_PATH=/${PAGE_PATH#http*://*/}
mkdir -p "$STATE/www"
curl -fsS "$GATEWAY$ARTICLE_PATH" -o "$STATE/www/article.json"
curl -fsS "$GATEWAY$PAGE_PATH" -o "$STATE/www/page.html"
chmod -R a+rX "$STATE/www"
say "article JSON $(stat -c %s "$STATE/www/article.json") bytes, page $(stat -c %s "$STATE/www/page.html") bytes"

NGINX_PORT=$(free_port)
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
private_stack_on_exit "kill $! 2>/dev/null"
wait_until "nginx" curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/article.json"

# wrk's summary → "requests/s p99_ms"; any non-2xx answer fails the run.
wrk_once() {  # url
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d2s "$1" >/dev/null  # warm both alike
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    /Socket errors/ { print "wrk: " $0 > "/dev/stderr" }
    END { if (bad > 0) { print "wrk: " bad " non-2xx answers" > "/dev/stderr"; exit 1 } printf "%.0f %.3f\n", rps, p99 }'
}

# ROUNDS alternating runs of each; the medians as {"rps": …, "p99_ms": …}.
compare_http() {  # id path nginx-url gateway-url
  local round ours="" ref=""
  for round in $(seq 1 "$ROUNDS"); do
    ref+="$(wrk_once "$3")"$'\n'
    ours+="$(wrk_once "$4")"$'\n'
  done
  as_json() { printf '{"rps": %s, "p99_ms": %s}' \
    "$(awk 'NF { print $1 }' <<<"$1" | median)" "$(awk 'NF { print $2 }' <<<"$1" | median)"; }
  record "$1" "$2" "nginx, same bytes from a file" "≥ 1.0× req/s, p99 ≤ 1.5×" \
    '{"min_rps_ratio": 1.0, "max_p99_ratio": 1.5}' \
    "$(as_json "$ours")" "$(as_json "$ref")"
}

compare_http gateway_json "gateway GET $ARTICLE_PATH, warm" \
  "http://127.0.0.1:$NGINX_PORT/article.json" "$GATEWAY$ARTICLE_PATH"
compare_http gateway_page "gateway article page, warm" \
  "http://127.0.0.1:$NGINX_PORT/page.html" "$GATEWAY$PAGE_PATH"
