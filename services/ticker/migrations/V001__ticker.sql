-- Ticker items and the ordered log of their changes (what Watch streams).
--
-- Every write transaction takes pg_advisory_xact_lock(<the ticker write key>)
-- before touching these tables (see pg_store.cc), so event sequence numbers are
-- assigned and committed in one order: a reader tailing ticker_events by seq
-- never sees seq N+1 committed before N. Gaps (rolled-back writes) may occur.

-- Timestamps cross the wire as microseconds since the epoch; these two convert
-- exactly (no floating point). Named for the ticker so that they never clash
-- with another component's migrations in a shared database.
CREATE FUNCTION ticker_epoch_us(t timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT (extract(epoch FROM t) * 1000000)::bigint $$;
CREATE FUNCTION ticker_from_us(us bigint) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT timestamptz 'epoch' + us * interval '1 microsecond' $$;

CREATE TABLE ticker_items (
  -- 16 random hex digits, made by the service.
  id                text PRIMARY KEY,
  text              text NOT NULL,
  -- The link: an article, a URL, or neither.
  article_id        bigint CHECK (article_id > 0),
  url               text,
  -- akhbar.ticker.v1.Priority: 1 URGENT, 2 IMPORTANT, 3 NORMAL (lists sort on it).
  priority          smallint NOT NULL CHECK (priority BETWEEN 1 AND 3),
  -- Section slugs, sorted; empty means the whole site.
  sections          text[] NOT NULL DEFAULT '{}',
  starts_at         timestamptz NOT NULL,
  expires_at        timestamptz NOT NULL,
  version           bigint NOT NULL DEFAULT 1,
  author            text NOT NULL DEFAULT '',
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  retracted_at      timestamptz,
  -- A retried push with the same request_id returns this item.
  request_id        text UNIQUE,
  -- Whether the ADDED / EXPIRED events went out. An item is "on air" for
  -- watchers between the two (and until it is retracted).
  start_announced   boolean NOT NULL DEFAULT false,
  expiry_announced  boolean NOT NULL DEFAULT false,
  CHECK (expires_at > starts_at),
  CHECK (article_id IS NULL OR url IS NULL)
);
-- List: items not retracted that have not expired yet.
CREATE INDEX ticker_items_live ON ticker_items (expires_at) WHERE retracted_at IS NULL;
-- The scheduler: starts and expiries not yet announced.
CREATE INDEX ticker_items_start_due ON ticker_items (starts_at)
  WHERE retracted_at IS NULL AND NOT start_announced;
CREATE INDEX ticker_items_expiry_due ON ticker_items (expires_at)
  WHERE retracted_at IS NULL AND start_announced AND NOT expiry_announced;

CREATE TABLE ticker_events (
  seq         bigserial PRIMARY KEY,
  -- akhbar.ticker.v1.TickerEvent.Kind: 1 ADDED, 2 UPDATED, 3 REMOVED, 4 EXPIRED.
  kind        smallint NOT NULL CHECK (kind BETWEEN 1 AND 4),
  item_id     text NOT NULL,
  -- The TickerItem as of the event (protobuf wire format).
  payload     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticker_events_item ON ticker_events (item_id, seq);
