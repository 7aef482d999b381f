#!/usr/bin/env bash
# Hashing throughput of `llmfleet verify` against `sha256sum` on the same large file (page cache warm, so both measure
# hashing, not the disk), then scaling over several files with --parallel. Medians over RUNS runs.
#
#   bench/verify/hash-throughput.sh [SIZE_GB=4] [RUNS=5]
#
# LLMFLEET: the command to run (default: a Release build of src/LlmFleet.Cli run with `dotnet`).
source "$(dirname "$0")/../common.sh"
cd "$ROOT"
size_gb=${1:-4}
runs=${2:-5}
work=$(mktemp -d /var/tmp/llmfleet-hashbench.XXXXXX)
trap 'cleanup; rm -rf "$work"' EXIT

if [ -z "${LLMFLEET:-}" ]; then
  build_cli
  LLMFLEET="${CLI[*]}"
fi

seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

# One large file: single-stream throughput.
mkdir -p "$work/one"
head -c $((size_gb * 1000 * 1000 * 1000)) /dev/urandom > "$work/one/model.bin"
(cd "$work/one" && sha256sum model.bin) > "$work/one.sha256"
cat "$work/one/model.bin" > /dev/null
bytes=$(stat -c %s "$work/one/model.bin")

# Interleaved, so that load from other processes falls on both tools alike.
: > "$work/sha.t"; : > "$work/ours.t"
for _ in $(seq "$runs"); do
  seconds sha256sum "$work/one/model.bin" >> "$work/sha.t"
  seconds $LLMFLEET verify "$work/one" --sha256 "$work/one.sha256" --json >> "$work/ours.t"
done
sha=$(median < "$work/sha.t")
ours=$(median < "$work/ours.t")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; sha256sum: $(sha256sum --version | head -1)"
printf 'one %s GB file, median of %s runs (wall time, process start included):\n' "$size_gb" "$runs"
printf '  sha256sum        %6.2f s  %7.0f MB/s\n' "$sha" "$(echo "$bytes / $sha / 1000000" | bc -l)"
printf '  llmfleet verify  %6.2f s  %7.0f MB/s\n' "$ours" "$(echo "$bytes / $ours / 1000000" | bc -l)"
printf '  ratio llmfleet/sha256sum throughput: %.2f\n' "$(echo "$sha / $ours" | bc -l)"

# Several files: scaling with --parallel up to the core count.
rm -f "$work/one/model.bin"
files=$(( $(nproc) * 2 ))
mkdir -p "$work/many"
for i in $(seq "$files"); do head -c $((size_gb * 1000 * 1000 * 1000 / files)) /dev/urandom > "$work/many/shard-$i.bin"; done
(cd "$work/many" && sha256sum shard-*.bin) > "$work/many.sha256"
cat "$work/many"/* > /dev/null
printf '%s files of %s GB in total:\n' "$files" "$size_gb"
for p in 1 $(seq 2 "$(nproc)"); do
  t=$(for _ in $(seq "$runs"); do seconds $LLMFLEET verify "$work/many" --sha256 "$work/many.sha256" --parallel "$p" --json; done | median)
  printf '  --parallel %-3s    %6.2f s  %7.0f MB/s\n' "$p" "$t" "$(echo "$bytes / $t / 1000000" | bc -l)"
done
