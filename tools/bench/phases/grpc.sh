# Sourced by tools/bench/bench.sh. The article service's GetArticle over gRPC:
#  - warm (its in-process cache on), beside grpc_bytes_server, a minimal
#    callback-API server answering the very bytes the service answered;
#  - Redis only (a second instance with the in-process cache off), beside
#    redis-benchmark GET of a value of the same size.
# grpc_load drives both gRPC servers alike and checks every call's status.

ARTICLE_ID=${BENCH_ARTICLE_ID:-1}
request=$STATE/get_article.request
echo "id: $ARTICLE_ID" | protoc --encode=akhbar.article.v1.GetArticleRequest \
  -I "$ROOT/proto" akhbar/article/v1/article.proto >"$request"
GET_ARTICLE=/akhbar.article.v1.ArticleService/GetArticle

# grpc_load's JSON line for one run against `target`.
grpc_once() {  # target [extra grpc_load flags]
  local target=$1
  shift
  "$BENCH_TOOLS/grpc_load" --target "$target" --method "$GET_ARTICLE" --request "$request" \
    --connections "${AKHBAR_BENCH_GRPC_CHANNELS:-4}" --concurrency "$CONNECTIONS" \
    --warmup 2 --duration "$DURATION" "$@"
}

# ROUNDS alternating runs; the medians as {"rps": …, "p99_ms": …}.
medians_of() {  # json-lines
  printf '{"rps": %s, "p99_ms": %s}' \
    "$(jq -r .rps <<<"$1" | median)" "$(jq -r .p99_ms <<<"$1" | median)"
}

# The reference answers what the service answers, byte for byte.
response=$STATE/get_article.response
grpc_once "127.0.0.1:$AKHBAR_ARTICLE_PORT" --duration 1 --warmup 0 --save-response "$response" \
  >/dev/null
say "GetArticle answers $(stat -c %s "$response") bytes"
BYTES_PORT=$(free_port)
"$BENCH_TOOLS/grpc_bytes_server" --port "$BYTES_PORT" --method "$GET_ARTICLE" \
  --response "$response" >>"$STATE/logs/grpc_bytes_server.log" 2>&1 &
private_stack_on_exit "kill $! 2>/dev/null"
wait_until "grpc_bytes_server" grpc_once "127.0.0.1:$BYTES_PORT" --duration 0.2 --warmup 0

ours="" ref=""
for round in $(seq 1 "$ROUNDS"); do
  ref+="$(grpc_once "127.0.0.1:$BYTES_PORT")"$'\n'
  ours+="$(grpc_once "127.0.0.1:$AKHBAR_ARTICLE_PORT")"$'\n'
done
record grpc_article "article GetArticle, warm (gRPC)" \
  "minimal callback-API gRPC server, same bytes" "≥ 0.9× req/s" '{"min_rps_ratio": 0.9}' \
  "$(medians_of "$ours")" "$(medians_of "$ref")"

# Redis only: every call reads the article from Redis and parses it.
REDIS_ONLY_PORT=$(free_port)
start_variant article-redis-only article AKHBAR_ARTICLE_LOCAL_CACHE_TTL_MS=0 \
  AKHBAR_ARTICLE_PORT="$REDIS_ONLY_PORT" AKHBAR_ARTICLE_METRICS_PORT="$(free_port)"
wait_until "the Redis-only article service" ctl --addr "127.0.0.1:$REDIS_ONLY_PORT" sections
value_bytes=$(redis-cli -p "$AKHBAR_REDIS_PORT" STRLEN "akhbar:article:v1:id:$ARTICLE_ID")
[ "$value_bytes" -gt 0 ] || { say "article $ARTICLE_ID is not in Redis"; exit 1; }
say "the cached article is $value_bytes bytes in Redis"
ours="" ref=""
for round in $(seq 1 "$ROUNDS"); do
  # SET then GET of one key with a value of that size; the GET row counts.
  ref+="$(redis-benchmark -p "$AKHBAR_REDIS_PORT" -c "$CONNECTIONS" -d "$value_bytes" \
    -n $((DURATION * 60000)) -t set,get --csv | awk -F, '/^"GET"/ {
      gsub(/"/, ""); printf "{\"rps\": %s, \"p99_ms\": %s}\n", $2, $7 }')"$'\n'
  ours+="$(grpc_once "127.0.0.1:$REDIS_ONLY_PORT")"$'\n'
done
record grpc_article_redis "article GetArticle, Redis only (in-process cache off)" \
  "redis-benchmark GET of a $value_bytes-byte value" "report the ratio" '{}' \
  "$(medians_of "$ours")" "$(medians_of "$ref")"
