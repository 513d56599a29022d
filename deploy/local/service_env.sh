# Sourced by stack.sh (and tools/fault, which starts extra replicas): the
# environment every service and the gateway read, from the *_PORT variables
# set by the caller.

# Development-only tokens, printed below so a newcomer can write at once.
# A real deployment sets AKHBAR_TOKENS to digests of secrets it keeps elsewhere.
EDITOR_TOKEN=${AKHBAR_DEV_EDITOR_TOKEN:-dev-editor-token}
ADMIN_TOKEN=${AKHBAR_DEV_ADMIN_TOKEN:-dev-admin-token}
# A signed-in reader: reads as anyone does, may write nothing.
READER_TOKEN=${AKHBAR_DEV_READER_TOKEN:-dev-reader-token}

sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

service_env() {
  export AKHBAR_LISTEN_HOST=127.0.0.1
  export AKHBAR_PG_DSN="host=127.0.0.1 port=$PG_PORT dbname=akhbar user=akhbar connect_timeout=2"
  export AKHBAR_REDIS_ADDR=127.0.0.1:$REDIS_PORT
  export AKHBAR_ARTICLE_PORT=$ARTICLE_PORT AKHBAR_ARTICLE_METRICS_PORT=$ARTICLE_METRICS_PORT
  export AKHBAR_TICKER_PORT=$TICKER_PORT AKHBAR_TICKER_METRICS_PORT=$TICKER_METRICS_PORT
  export AKHBAR_RELATED_PORT=$RELATED_PORT AKHBAR_RELATED_METRICS_PORT=$RELATED_METRICS_PORT
  export AKHBAR_GATEWAY_PORT=$GATEWAY_PORT AKHBAR_GATEWAY_METRICS_PORT=$GATEWAY_METRICS_PORT
  export AKHBAR_GATEWAY_ARTICLE_TARGET=127.0.0.1:$ARTICLE_PORT
  export AKHBAR_GATEWAY_TICKER_TARGET=127.0.0.1:$TICKER_PORT
  export AKHBAR_GATEWAY_RELATED_TARGET=127.0.0.1:$RELATED_PORT
  export AKHBAR_SITE_FILE=$ROOT/deploy/seed/site.json
  export AKHBAR_TOKENS="editor:$(sha256 "$EDITOR_TOKEN"),admin:$(sha256 "$ADMIN_TOKEN"),reader:$(sha256 "$READER_TOKEN")"
}
