# Sourced by tools/bench/bench.sh. A headline pushed to the ticker, timed
# until every browser watching the SSE stream through the gateway has it:
# 1,000 and 5,000 watchers, every delivery accounted for (sse_watchers exits
# non-zero on a lost frame, a dropped stream or a gap in the event ids).

for watchers in $WATCHERS; do
  line=$("$BENCH_TOOLS/sse_watchers" --gateway "$GATEWAY" --watchers "$watchers" \
    --token "$EDITOR_TOKEN" --gateway-pid "$(cat "$STATE/pids/gateway.pid")" \
    2>>"$STATE/logs/sse_watchers.log")
  say "sse: $line"
  record "sse_$watchers" "ticker push → all $watchers SSE watchers received (gateway)" "—" \
    "p99 < 100 ms, 0 lost" '{"max_p99_ms": 100, "max_lost": 0}' \
    "$(jq -c '{p99_ms, lost, deliveries, gateway_rss_kb_watching}' <<<"$line")" null
done
