# Sourced by fault.sh once private_stack_up has started one replica of each
# service: the second replicas, the two gateways that balance over them, and
# the means to kill, stop, start and hang each part.

REPLICAS="article article-b ticker ticker-b related related-b gateway gateway-b"
# Where each replica listens: gRPC, or HTTP for the gateways; and its metrics.
declare -A GRPC_PORT METRICS_PORT

# service_env (deploy/local/service_env.sh) reads these names.
PG_PORT=$AKHBAR_PG_PORT REDIS_PORT=$AKHBAR_REDIS_PORT
ARTICLE_PORT=$AKHBAR_ARTICLE_PORT ARTICLE_METRICS_PORT=$AKHBAR_ARTICLE_METRICS_PORT
TICKER_PORT=$AKHBAR_TICKER_PORT TICKER_METRICS_PORT=$AKHBAR_TICKER_METRICS_PORT
RELATED_PORT=$AKHBAR_RELATED_PORT RELATED_METRICS_PORT=$AKHBAR_RELATED_METRICS_PORT
GATEWAY_PORT=$AKHBAR_GATEWAY_PORT GATEWAY_METRICS_PORT=$AKHBAR_GATEWAY_METRICS_PORT
# shellcheck source=../../deploy/local/service_env.sh
source "$ROOT/deploy/local/service_env.sh"

for kind in article ticker related gateway; do
  upper=${kind^^}
  port_var=AKHBAR_${upper}_PORT metrics_var=AKHBAR_${upper}_METRICS_PORT
  GRPC_PORT[$kind]=${!port_var} METRICS_PORT[$kind]=${!metrics_var}
  GRPC_PORT[$kind-b]=$(free_port) METRICS_PORT[$kind-b]=$(free_port)
done

both() { echo "127.0.0.1:${GRPC_PORT[$1]},127.0.0.1:${GRPC_PORT[$1-b]}"; }
gateway_addresses() { both gateway; }
pid_of() { cat "$STATE/pids/$1.pid"; }

replica_ready() {  # name
  local port=${GRPC_PORT[$1]}
  if [ "${1%-b}" = gateway ]; then
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1
  else
    "$BUILD_DIR/tools/akhbarctl/akhbarctl" --addr "127.0.0.1:$port" health 2>/dev/null |
      grep -qx SERVING
  fi
}

replica_start() {  # name
  local name=$1 kind=${1%-b}
  local upper=${kind^^}
  (
    service_env
    export "AKHBAR_${upper}_PORT=${GRPC_PORT[$name]}"
    export "AKHBAR_${upper}_METRICS_PORT=${METRICS_PORT[$name]}"
    export AKHBAR_GATEWAY_ARTICLE_TARGET=$(both article)
    export AKHBAR_GATEWAY_TICKER_TARGET=$(both ticker)
    export AKHBAR_GATEWAY_RELATED_TARGET=$(both related)
    exec "$BUILD_DIR/services/$kind/akhbar-$kind"
  ) >>"$STATE/logs/$name.log" 2>&1 &
  echo $! >"$STATE/pids/$name.pid"
  for _ in $(seq 1 150); do
    if replica_ready "$name"; then return 0; fi
    kill -0 "$(pid_of "$name")" 2>/dev/null || break
    sleep 0.1
  done
  say "$name did not become ready"
  tail -n 20 "$STATE/logs/$name.log" >&2
  return 1
}

replica_wait_gone() {  # name seconds
  local pid
  pid=$(pid_of "$1")
  for _ in $(seq 1 $(($2 * 10))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "$1 (pid $pid) did not exit within $2 s"
  return 1
}

replica_kill() { kill -KILL "$(pid_of "$1")"; replica_wait_gone "$1" 5; }

# What a rolling update does to each pod: SIGTERM, wait for the drain to
# finish, start the new one, wait until it is ready.
replica_restart() {  # name
  kill -TERM "$(pid_of "$1")"
  replica_wait_gone "$1" 15
  replica_start "$1"
}

# Ready is not yet available: callers reconnect to a replica that came back
# only when their reconnect backoff (up to 2 s in the gateway) next fires, so
# the next replica may stop only after that, as minReadySeconds makes a
# Deployment wait (k8s/base).
MIN_READY_SECONDS=3
replica_roll() {  # name
  replica_restart "$1"
  sleep "$MIN_READY_SECONDS"
}

replicas_up() {
  local name
  for name in article-b ticker-b related-b; do replica_start "$name"; done
  # The first gateway was started for one replica of each service.
  replica_restart gateway
  replica_start gateway-b
  FAULT_SECTION=$(psql_query "SELECT slug FROM sections ORDER BY position LIMIT 1")
  FAULT_IDS=$(psql_query "SELECT string_agg(id::text, ',' ORDER BY id) FROM articles
                          WHERE status = 'published'")
  local first=${FAULT_IDS%%,*}
  FAULT_BUSTED_PAGE=$(curl -fsS -o /dev/null -w '%{redirect_url}' \
    "http://127.0.0.1:${GRPC_PORT[gateway]}/news/$first")
  FAULT_BUSTED_PAGE=/${FAULT_BUSTED_PAGE#http*://*/}
}

psql_query() {
  psql "host=127.0.0.1 port=$PG_PORT dbname=akhbar user=akhbar" -XAt -F $'\t' -c "$1"
}

# The article replicas' Redis cache lookups so far, "hits misses" (GET and
# MGET count the keys found and not found).
cache_lookups() {
  local name hits=0 misses=0 counts
  for name in article article-b; do
    counts=$(curl -fsS "http://127.0.0.1:${METRICS_PORT[$name]}/metrics" 2>/dev/null |
      awk '/^akhbar_cache_requests_total\{/ && /result="hit"/ {h += $NF}
           /^akhbar_cache_requests_total\{/ && /result="miss"/ {m += $NF}
           END {printf "%d %d", h, m}') || counts="0 0"
    hits=$((hits + ${counts% *})) misses=$((misses + ${counts#* }))
  done
  echo "$hits $misses"
}

redis_pid() { "$ROOT/deploy/local/redis.sh" pid "$STATE/redis"; }
redis_start() { "$ROOT/deploy/local/redis.sh" start "$STATE/redis" "$REDIS_PORT" >/dev/null; }
pg_crash() { "$ROOT/deploy/local/postgres.sh" kill "$STATE/postgres" >/dev/null; }
pg_start() { "$ROOT/deploy/local/postgres.sh" start "$STATE/postgres" "$PG_PORT" >/dev/null; }

# SIGSTOP / SIGCONT to the whole server: the postmaster (first, so that it
# forks no new backend meanwhile) and every process it started.
pg_signal() {  # STOP|CONT
  local postmaster
  postmaster=$("$ROOT/deploy/local/postgres.sh" pid "$STATE/postgres")
  kill "-$1" "$postmaster"
  # shellcheck disable=SC2046  # one pid per word
  kill "-$1" $(ps -o pid= --ppid "$postmaster")
}

# Memory and threads of every replica twice a second: "ms name rss_kb threads".
sampler_start() {  # file
  (
    while true; do
      now=$(date +%s%3N)
      for name in $REPLICAS; do
        pid=$(cat "$STATE/pids/$name.pid" 2>/dev/null) || continue
        awk -v now="$now" -v name="$name" \
          '/^VmRSS:/ {rss = $2} /^Threads:/ {threads = $2}
           END {if (rss) print now, name, rss, threads}' "/proc/$pid/status" 2>/dev/null || true
      done
      sleep 0.5
    done
  ) >>"$1" &
  SAMPLER_PID=$!
}
sampler_stop() { kill "$SAMPLER_PID" 2>/dev/null || true; }
