#!/usr/bin/env bash
# Download throughput on loopback: `llmfleet download` (ranged requests, SHA-256 computed while writing) against
# `curl` alone (no hashing) fetching the same file from the same server into the same file system; then several
# files with --connections 1, 2, 4, 8. Medians over RUNS runs.
#
#   bench/download/loopback.sh [SIZE_GB=4] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
size_gb=${1:-4}
runs=${2:-3}
port=${PORT:-18431}
work=$(mktemp -d /var/tmp/llmfleet-dlbench.XXXXXX)
out=${LLMFLEET_ARTIFACTS:-artifacts}
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build -c Release src/LlmFleet.Cli -v q -nologo >/dev/null
dotnet build -c Release bench/download/HubServer -v q -nologo >/dev/null
LLMFLEET="dotnet $out/bin/LlmFleet.Cli/release/llmfleet.dll"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

mkdir -p "$work/served"
head -c $((size_gb * 1000 * 1000 * 1000)) /dev/urandom > "$work/served/model.safetensors"
bytes=$(stat -c %s "$work/served/model.safetensors")
dotnet "$out/bin/HubServer/release/HubServer.dll" "$work/served" "$port" > "$work/server.log" &
server=$!
until grep -q http "$work/server.log" 2>/dev/null; do sleep 0.5; done
url="http://127.0.0.1:$port"

: > "$work/curl.t"; : > "$work/one.t"; : > "$work/eight.t"
for _ in $(seq "$runs"); do
  rm -rf "$work/dl"; mkdir -p "$work/dl"
  seconds curl -sf -o "$work/dl/curl.bin" "$url/bench/model/resolve/main/model.safetensors" >> "$work/curl.t"
  rm -rf "$work/dl"
  seconds $LLMFLEET download bench/model --dir "$work/dl" --endpoint "$url" --connections 1 --json >> "$work/one.t"
  rm -rf "$work/dl"
  seconds $LLMFLEET download bench/model --dir "$work/dl" --endpoint "$url" --connections 8 --json >> "$work/eight.t"
done
curl_t=$(median < "$work/curl.t"); one_t=$(median < "$work/one.t"); eight_t=$(median < "$work/eight.t")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(curl --version | head -1 | cut -d' ' -f1-2)"
printf 'one %s GB file on loopback, median of %s interleaved runs:\n' "$size_gb" "$runs"
printf '  curl (no hash)                        %6.2f s  %7.0f MB/s\n' "$curl_t" "$(echo "$bytes / $curl_t / 1000000" | bc -l)"
printf '  llmfleet download --connections 1     %6.2f s  %7.0f MB/s  (ratio to curl %.2f)\n' "$one_t" "$(echo "$bytes / $one_t / 1000000" | bc -l)" "$(echo "$curl_t / $one_t" | bc -l)"
printf '  llmfleet download --connections 8     %6.2f s  %7.0f MB/s  (ratio to curl %.2f)\n' "$eight_t" "$(echo "$bytes / $eight_t / 1000000" | bc -l)" "$(echo "$curl_t / $eight_t" | bc -l)"

if [ "${SCALING:-1}" = 0 ]; then exit 0; fi
for c in 1 2 4 8; do
  : > "$work/c.t"
  for _ in $(seq "$runs"); do
    rm -rf "$work/dl"
    seconds $LLMFLEET download bench/model --dir "$work/dl" --endpoint "$url" --connections "$c" --json >> "$work/c.t"
  done
  t=$(median < "$work/c.t")
  printf '  --connections %-2s               %6.2f s  %7.0f MB/s\n' "$c" "$t" "$(echo "$bytes / $t / 1000000" | bc -l)"
done
