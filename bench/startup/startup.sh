#!/usr/bin/env bash
# Start-up of `llmfleet models`: the release binary (self-contained, single-file, ReadyToRun, from eng/release.sh)
# against the framework-dependent `dotnet llmfleet.dll` of a Release build, measured in the same run.
# Prints the median wall time of each over N runs (default 30, after 3 warm-up runs) and their ratio.
#
#   bench/startup/startup.sh [N]        # builds both first
#   LLMFLEET_BENCH_NO_BUILD=1 LLMFLEET_RELEASE_DIR=DIR bench/startup/startup.sh
source "$(dirname "$0")/../common.sh"
runs=${1:-30}
build_cli
release=${LLMFLEET_RELEASE_DIR:-$LLMFLEET_ARTIFACTS/release}
[ "${LLMFLEET_BENCH_NO_BUILD:-0}" = 1 ] || LLMFLEET_RELEASE_DIR=$release "$ROOT/eng/release.sh" linux-x64 >"$WORK/release.log"
binary="$release/linux-x64/llmfleet"

# median_ms CMD...: wall time of CMD (output discarded), median over $runs runs, in milliseconds.
median_ms() {
  for _ in 1 2 3; do "$@" >/dev/null; done
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    awk -v ns=$((t1 - t0)) 'BEGIN {printf "%.1f\n", ns / 1e6}'
  done | median
}

binary_ms=$(median_ms "$binary" models)
dll_ms=$(median_ms "${CLI[@]}" models)
echo "llmfleet models, median of $runs runs:"
echo "  release binary (linux-x64, single-file, R2R): $binary_ms ms"
echo "  dotnet llmfleet.dll (framework-dependent):    $dll_ms ms"
awk -v b="$binary_ms" -v d="$dll_ms" 'BEGIN {printf "  ratio binary/dll: %.2f\n", b / d}'
