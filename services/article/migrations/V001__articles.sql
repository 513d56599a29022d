-- Sections, canonical tags with their spellings, articles with slug history,
-- idempotency keys for create, and the outbox of change events.

-- Timestamps cross the wire as microseconds since the epoch.
CREATE FUNCTION epoch_us(t timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT (extract(epoch FROM t) * 1000000)::bigint $$;

CREATE TABLE sections (
  slug        text PRIMARY KEY,
  name        text NOT NULL,
  position    integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A tag is one identity (identity-folded name); `name` is the spelling shown.
CREATE TABLE tags (
  id          bigserial PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Every identity key that resolves to a tag: its own, and those of tags merged
-- into it.
CREATE TABLE tag_keys (
  identity_key text PRIMARY KEY,
  tag_id       bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE
);
CREATE INDEX tag_keys_tag ON tag_keys (tag_id);

-- Every spelling editors have used for a tag (the aliases, and the name).
CREATE TABLE tag_spellings (
  tag_id    bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  spelling  text NOT NULL,
  PRIMARY KEY (tag_id, spelling)
);

CREATE TABLE articles (
  id              bigserial PRIMARY KEY,
  slug            text NOT NULL UNIQUE,
  section         text NOT NULL REFERENCES sections (slug),
  title           text NOT NULL,
  summary         text NOT NULL DEFAULT '',
  -- {"body":[blocks], "image":{...}} in the proto3 JSON mapping of Article.
  content         jsonb NOT NULL,
  author          text NOT NULL DEFAULT '',
  status          text NOT NULL
                  CHECK (status IN ('draft', 'scheduled', 'published', 'unpublished', 'taken_down')),
  published_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  -- Lists sort on this: drafts have no publication time yet.
  sort_at         timestamptz GENERATED ALWAYS AS (coalesce(published_at, created_at)) STORED,
  version         bigint NOT NULL DEFAULT 1,
  external_id     text UNIQUE,
  -- SHA-256 of the last imported item, so a replayed import changes nothing.
  import_digest   text,
  takedown_reason text
);
CREATE INDEX articles_by_status ON articles (status, sort_at DESC, id DESC);
CREATE INDEX articles_by_section ON articles (section, status, sort_at DESC, id DESC);
CREATE INDEX articles_by_author ON articles (author, status, sort_at DESC, id DESC);
CREATE INDEX articles_due ON articles (published_at) WHERE status = 'scheduled';

-- Current and previous slugs; a slug once used always leads to its article.
CREATE TABLE article_slugs (
  slug        text PRIMARY KEY,
  article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX article_slugs_article ON article_slugs (article_id);

CREATE TABLE article_tags (
  article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  tag_id      bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  position    integer NOT NULL,
  PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);

-- CreateArticle request ids, so a retried create returns the first article.
CREATE TABLE create_requests (
  request_id  text PRIMARY KEY,
  article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Change events, written in the transaction of the change and relayed to
-- Redis by the outbox relay (at least once, in id order).
CREATE TABLE article_outbox (
  id          bigserial PRIMARY KEY,
  payload     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  relayed_at  timestamptz
);
CREATE INDEX article_outbox_pending ON article_outbox (id) WHERE relayed_at IS NULL;
