-- Every change to an article's pins or opt-out, in commit order: each replica
-- tails this to drop its cached lists that the change affects, so an opt-out
-- reaches every replica within a second, and none can miss it.
CREATE TABLE related_settings_changes (
  id          bigserial PRIMARY KEY,
  article_id  bigint NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now()
);
