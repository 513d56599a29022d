#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, in a build folder of
# their own, and runs each for a while over its seed corpus. Any crash,
# sanitizer report, leak, time-out or broken invariant fails the run, and the
# input that caused it is kept (the path is printed).
#
#   AKHBAR_FUZZ_SECONDS    seconds per target (default 20)
#   AKHBAR_FUZZ_TARGETS    which targets, space-separated (default: all)
#   AKHBAR_FUZZ_BUILD_DIR  the build folder (default build-fuzz)
#   JOBS                   parallel compile jobs (default: nproc)
#
# Reproduce a failure: build-fuzz/tests/fuzz/fuzz_<target> <input file>
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

BUILD_DIR=${AKHBAR_FUZZ_BUILD_DIR:-build-fuzz}
SECONDS_EACH=${AKHBAR_FUZZ_SECONDS:-20}
JOBS=${JOBS:-$(nproc)}
if [ -n "${AKHBAR_FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$AKHBAR_FUZZ_TARGETS"
else
  targets=()
  for source in tests/fuzz/*_fuzz.cc; do
    name=$(basename "$source" _fuzz.cc)
    targets+=("$name")
  done
fi

# Release-like code (that is what runs in production) with line numbers in
# the sanitizers' stacks; only the fuzz targets and what they link are built.
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DAKHBAR_FUZZ=ON -DAKHBAR_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target fuzz_targets

out=$BUILD_DIR/fuzz
mkdir -p "$out"
# A sanitizer report is a failure even where the code could go on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
printf '%-14s %10s %8s %6s %6s %6s\n' target runs exec/s cov ft corpus
for target in "${targets[@]}"; do
  binary=$BUILD_DIR/tests/fuzz/fuzz_$target
  seeds=tests/fuzz/corpus/$target
  # New inputs go to the build folder; the committed seeds stay as they are.
  work=$out/corpus/$target
  mkdir -p "$work" "$out/artifacts/$target"
  args=(-max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$out/artifacts/$target/")
  [ -f "tests/fuzz/dict/$target.dict" ] && args+=(-dict="tests/fuzz/dict/$target.dict")
  log=$out/$target.log
  status=0
  "$binary" "${args[@]}" "$work" "$seeds" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-14s %10s %8s %6s %6s %6s\n' "$target" "${runs:--}" "${speed:--}" "${cov:--}" \
    "${ft:--}" "${corpus:--}"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "fuzz: $target failed (exit $status); the end of $log:" >&2
    tail -n 40 "$log" >&2
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $out/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${SECONDS_EACH} s each, no failure"
