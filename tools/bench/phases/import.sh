# Sourced by tools/bench/bench.sh. Bulk import of the generated corpus through
# the article service (akhbarctl import: one client stream, validation, slugs,
# tag resolution, change events), beside psql COPY of the same rows — the
# articles, their slugs and their tags — into empty tables of the same shape
# and indexes, in one transaction: the least work that stores the same answer.

corpus=$STATE/corpus.jsonl
"$BENCH_TOOLS/bench_corpus" "$ARTICLES" >"$corpus"
say "importing $ARTICLES generated articles ($(($(stat -c %s "$corpus") / 1024)) KiB)"
started=$(date +%s%N)
ctl --addr "127.0.0.1:$AKHBAR_ARTICLE_PORT" --token "$EDITOR_TOKEN" import "$corpus" \
  >"$STATE/logs/import.out" 2>&1 || { cat "$STATE/logs/import.out" >&2; exit 1; }
import_seconds=$(awk -v ns=$(($(date +%s%N) - started)) 'BEGIN { printf "%.3f", ns / 1e9 }')
imported=$("${PSQL[@]}" -tAc "SELECT count(*) FROM articles WHERE external_id LIKE 'bench-%'")
[ "$imported" -eq "$ARTICLES" ] || { say "import stored $imported of $ARTICLES articles"; exit 1; }

# The reference: the same rows, out of PostgreSQL and back in with COPY.
copy_columns() {  # table: every column but generated ones, which COPY may not write
  "${PSQL[@]}" -tAc "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position)
    FROM information_schema.columns WHERE table_name = '$1' AND is_generated = 'NEVER'"
}
declare -A selections=(
  [articles]="SELECT %s FROM articles WHERE external_id LIKE 'bench-%%'"
  [article_slugs]="SELECT %s FROM article_slugs WHERE article_id IN (SELECT id FROM articles WHERE external_id LIKE 'bench-%%')"
  [article_tags]="SELECT %s FROM article_tags WHERE article_id IN (SELECT id FROM articles WHERE external_id LIKE 'bench-%%')"
)
load_script=$STATE/copy_reference.sql
echo "BEGIN;" >"$load_script"
for table in articles article_slugs article_tags; do
  columns=$(copy_columns "$table")
  # shellcheck disable=SC2059
  query=$(printf "${selections[$table]}" "$columns")
  "${PSQL[@]}" -c "\\copy ($query) TO '$STATE/$table.copy'"
  "${PSQL[@]}" -c "DROP TABLE IF EXISTS bench_$table; CREATE TABLE bench_$table (LIKE $table INCLUDING ALL)"
  echo "\\copy bench_$table ($columns) FROM '$STATE/$table.copy'" >>"$load_script"
done
echo "COMMIT;" >>"$load_script"
started=$(date +%s%N)
"${PSQL[@]}" -f "$load_script"
copy_seconds=$(awk -v ns=$(($(date +%s%N) - started)) 'BEGIN { printf "%.3f", ns / 1e9 }')
copied=$("${PSQL[@]}" -tAc "SELECT count(*) FROM bench_articles")
[ "$copied" -eq "$ARTICLES" ] || { say "COPY stored $copied of $ARTICLES articles"; exit 1; }
"${PSQL[@]}" -c "DROP TABLE bench_articles, bench_article_slugs, bench_article_tags"
say "import ${import_seconds}s, COPY ${copy_seconds}s"

record import "bulk import of $ARTICLES articles (akhbarctl import)" \
  "psql COPY of the same rows" "report the ratio" '{}' \
  "{\"seconds\": $import_seconds, \"rps\": $(awk -v n="$ARTICLES" -v s="$import_seconds" 'BEGIN { printf "%.0f", n / s }')}" \
  "{\"seconds\": $copy_seconds, \"rps\": $(awk -v n="$ARTICLES" -v s="$copy_seconds" 'BEGIN { printf "%.0f", n / s }')}"

# The reads below use an imported article of the corpus's typical size.
BENCH_ARTICLE_ID=$("${PSQL[@]}" -tAc "SELECT id FROM articles WHERE external_id = 'bench-$((ARTICLES / 2))'")

# Reads below go to the imported articles: the related service must have
# indexed them all first.
wait_until "the related index reaching $ARTICLES articles" bash -c \
  "curl -fsS http://127.0.0.1:$AKHBAR_RELATED_METRICS_PORT/metrics |
   awk '/^akhbar_related_index_articles / { exit !(\$2 >= $ARTICLES) }'"
