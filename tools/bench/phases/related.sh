# Sourced by tools/bench/bench.sh. GetRelated with the result cache off, so
# that every call scores candidates afresh: one pass over every published
# article, one call at a time (service time, not queueing). Every call's
# status is checked by related_latency.

RELATED_UNCACHED_PORT=$(free_port)
start_variant related-uncached related AKHBAR_RELATED_CACHE=false \
  AKHBAR_RELATED_PORT="$RELATED_UNCACHED_PORT" AKHBAR_RELATED_METRICS_PORT="$(free_port)"
wait_until "the uncached related service" ctl --addr "127.0.0.1:$RELATED_UNCACHED_PORT" health
line=$("$BENCH_TOOLS/related_latency" "127.0.0.1:$RELATED_UNCACHED_PORT" \
  "host=127.0.0.1 port=$AKHBAR_PG_PORT dbname=akhbar user=akhbar" \
  --threads 1 --limit "${AKHBAR_BENCH_RELATED_LIMIT:-6}" --warmup-passes 0 --passes 1 | head -1)
say "related: $line"
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $line"; }
record related_uncached "related GetRelated, uncached ($(field articles) articles, 1 call at a time)" \
  "—" "p99 < 10 ms" '{"max_p99_ms": 10}' \
  "{\"rps\": $(field rate), \"p99_ms\": $(awk -v us="$(field p99)" 'BEGIN { printf "%.3f", us / 1000 }')}" \
  null
