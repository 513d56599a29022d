#!/usr/bin/env bash
# Turns the rows tools/bench/bench.sh recorded into results.json (rows with
# their ratios and whether each aim was met, plus the machine and settings),
# results.md (the table the README shows) and chart.svg (throughput ratio and
# p99 beside each reference):   report.sh RESULTS.jsonl OUT_DIR
set -euo pipefail

RESULTS=$1
OUT=$2

machine=$(jq -n --arg cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" \
  --arg cores "$(nproc)" --arg memory "$(free -g | awk '/^Mem:/ { print $2 " GiB" }')" \
  --arg kernel "$(uname -r)" --arg os "$(. /etc/os-release && echo "$PRETTY_NAME")" \
  --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --arg revision "$(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  '{cpu: $cpu, cores: ($cores | tonumber), memory: $memory, kernel: $kernel, os: $os,
    date: $date, revision: $revision}')
settings=$(jq -n --arg duration "${AKHBAR_BENCH_DURATION:-10}" \
  --arg connections "${AKHBAR_BENCH_CONNECTIONS:-64}" --arg rounds "${AKHBAR_BENCH_ROUNDS:-3}" \
  '{duration_seconds: ($duration | tonumber), connections: ($connections | tonumber),
    rounds: ($rounds | tonumber)}')

jq -s --argjson machine "$machine" --argjson settings "$settings" '
  def ratio(a; b): if a != null and b != null and b != 0 then a / b else null end;
  {machine: $machine, settings: $settings, rows: map(
    . as $row
    | (ratio($row.ours.rps; $row.ref.rps)) as $rps_ratio
    | (ratio($row.ours.p99_ms; $row.ref.p99_ms)) as $p99_ratio
    | . + {rps_ratio: $rps_ratio, p99_ratio: $p99_ratio,
           met: (if ($row.aims | length) == 0 then null else
             ([ (if $row.aims.min_rps_ratio then $rps_ratio >= $row.aims.min_rps_ratio else true end),
                (if $row.aims.max_p99_ratio then $p99_ratio <= $row.aims.max_p99_ratio else true end),
                (if $row.aims.max_p99_ms then $row.ours.p99_ms <= $row.aims.max_p99_ms else true end),
                (if $row.aims.max_lost != null then $row.ours.lost <= $row.aims.max_lost else true end)
              ] | all) end)})}' "$RESULTS" >"$OUT/results.json"

# The Markdown table.
jq -r '
  def thousands: tostring | until(test("^[0-9]{4}") | not; sub("(?<a>[0-9])(?<b>[0-9]{3})(?<c>,|$)"; "\(.a),\(.b)\(.c)"));
  def num(d): if . == null then "" else (. * pow(10; d) | round / pow(10; d) | tostring) end;
  def figure: if . == null then "—" else
    [ (if .rps then "\(.rps | round | thousands)/s" else empty end),
      (if .seconds then "\(.seconds | num(1)) s" else empty end),
      (if .p99_ms then "p99 \(.p99_ms | num(2)) ms" else empty end),
      (if .lost != null then "\(.lost) lost" else empty end) ] | join(" · ") end;
  def times: if . == null then "" else "\(num(2))×" end;
  "Measured \(.machine.date) on \(.machine.cpu), \(.machine.cores) cores, \(.machine.memory), \(.machine.os) (revision \(.machine.revision)); \(.settings.connections) connections, \(.settings.duration_seconds) s per run, median of \(.settings.rounds) alternating rounds.",
  "",
  "| path | ours | reference | throughput | p99 | aim | met |",
  "|---|---|---|---|---|---|---|",
  (.rows[] | "| \(.path) | \(.ours | figure) | \(.reference)\(if .ref then ": " + (.ref | figure) else "" end) | \(.rps_ratio | times) | \(.p99_ratio | times) | \(.aim) | \(if .met == null then "—" elif .met then "yes" else "**no**" end) |")
' "$OUT/results.json" >"$OUT/results.md"

# The chart: throughput as a ratio of the reference's, and p99 beside it.
jq -r '.rows[] | select(.rps_ratio != null) | "\(.id) \(.rps_ratio)"' "$OUT/results.json" \
  >"$OUT/throughput.dat"
jq -r '.rows[] | select(.ours.p99_ms != null) | "\(.id) \(.ours.p99_ms) \(.ref.p99_ms // "NaN")"' \
  "$OUT/results.json" >"$OUT/p99.dat"
gnuplot <<PLOT
set terminal svg size 1000,720 dynamic font "sans,12" background "#ffffff"
set output "$OUT/chart.svg"
set multiplot layout 2,1 title "akhbar beside its references ($(jq -r '.machine | "\(.cores) cores, \(.date)"' "$OUT/results.json"))"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set grid ytics
set xtics noenhanced rotate by -20 scale 0
set key top right
set title "throughput, ours ÷ reference (1.0 = as fast)"
set yrange [0:*]
plot "$OUT/throughput.dat" using 2:xtic(1) title "ours ÷ reference" lc rgb "#1f77b4", \
     "" using 0:2:(sprintf("%.2f×", \$2)) with labels offset 0,0.7 notitle, \
     1 with lines dt 2 lc rgb "#444444" title "1.0"
set title "p99 latency, ms (log scale)"
set logscale y
set yrange [*:*]
plot "$OUT/p99.dat" using 2:xtic(1) title "ours" lc rgb "#1f77b4", \
     "" using 3 title "reference" lc rgb "#ff7f0e"
unset multiplot
PLOT
rm -f "$OUT/throughput.dat" "$OUT/p99.dat"
cat "$OUT/results.md"
