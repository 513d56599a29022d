-- Editorial settings of «موضوعات متعلقة». Article ids refer to the article
-- service's table, but without foreign keys: the related service only reads
-- that table, and a pin of an article that goes away is skipped when served.

-- Editor pins: shown first, in position order. SetPins replaces them.
CREATE TABLE related_pins (
  article_id  bigint NOT NULL,
  position    integer NOT NULL,
  pinned_id   bigint NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (article_id, position),
  UNIQUE (article_id, pinned_id),
  CHECK (pinned_id <> article_id)
);

-- An opted-out article gets no automatic list and appears in none.
CREATE TABLE related_opt_outs (
  article_id  bigint PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now()
);
