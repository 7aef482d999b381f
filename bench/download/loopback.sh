#!/usr/bin/env bash
# Download throughput on loopback: `llmfleet download` (ranged requests, SHA-256 computed while writing) against
# `curl` alone (no hashing) fetching the same file from the same server into the same file system; then several
# files with --connections 1, 2, 4, 8. Medians over RUNS runs. A third reference does the same job as llmfleet with
# C tools: `curl | tee FILE | openssl dgst -sha256`, hashing while writing (openssl, not coreutils' sha256sum, which
# has no SHA-NI code and hashes at a fifth of the speed).
#
# The server is nginx (Debian nginx-light) with sendfile, answering the hub's revision listing from a static JSON file
# and /resolve/ with byte ranges: the cheapest server there is, standing in for a remote hub, so that on a small
# machine the server takes as little CPU as possible from the tool being measured.
# The files live on tmpfs (/dev/shm, or BENCH_DIR): a virtual disk's write-back, not the tool, would otherwise set the
# pace of a 4 GB write and make runs vary twofold. Writes still go through the page cache exactly as on disk.
#
#   bench/download/loopback.sh [SIZE_GB=4] [RUNS=3]        (SCALING=0 skips the --connections series)
set -euo pipefail
cd "$(dirname "$0")/../.."
size_gb=${1:-4}
runs=${2:-3}
port=${PORT:-18431}
command -v nginx >/dev/null || { echo "needs: apt-get install -y nginx-light" >&2; exit 2; }
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/llmfleet-dlbench.XXXXXX")
chmod 755 "$work" # nginx workers run as an unprivileged user
out=${LLMFLEET_ARTIFACTS:-artifacts}
trap '[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

dotnet build -c Release src/LlmFleet.Cli -v q -nologo >/dev/null
LLMFLEET="dotnet $out/bin/LlmFleet.Cli/release/llmfleet.dll"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

# serve FILE...: the hub listing (sizes and LFS sha256) of the given files, and nginx serving them.
serve() {
  local siblings=""
  for f in "$@"; do
    siblings+="${siblings:+,}{\"rfilename\":\"$(basename "$f")\",\"size\":$(stat -c %s "$f"),\"lfs\":{\"sha256\":\"$(sha256sum "$f" | cut -d' ' -f1)\",\"size\":$(stat -c %s "$f")}}"
  done
  echo "{\"id\":\"bench/model\",\"sha\":\"2222222222222222222222222222222222222222\",\"siblings\":[$siblings]}" > "$work/api.json"
  cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    location = /api/models/bench/model/revision/main { default_type application/json; alias $work/api.json; }
    location ~ ^/bench/model/resolve/[^/]+/(.+)\$ { alias $work/served/\$1; }
  }
}
NGINX
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" && sleep 0.5
  nginx -c "$work/nginx.conf" -p "$work" -g 'daemon on;'
}

mkdir -p "$work/served"
head -c $((size_gb * 1000 * 1000 * 1000)) /dev/urandom > "$work/served/model.safetensors"
bytes=$(stat -c %s "$work/served/model.safetensors")
serve "$work/served/model.safetensors"
url="http://127.0.0.1:$port"
get() { $LLMFLEET download bench/model --dir "$work/dl" --endpoint "$url" --connections "$1" --json; }

: > "$work/curl.t"; : > "$work/pipe.t"; : > "$work/one.t"; : > "$work/eight.t"
# One untimed download by each tool first: the first writer of a run pays for the VM's first touch of the memory
# that backs the page cache, which made the first timed run up to twice as slow as the others.
mkdir -p "$work/dl"; curl -sf -o "$work/dl/curl.bin" "$url/bench/model/resolve/main/model.safetensors"
rm -rf "$work/dl"; get 8 >/dev/null
# Each run starts with no dirty pages left by the one before (sync), so write-back falls on each tool alike.
for _ in $(seq "$runs"); do
  rm -rf "$work/dl"; mkdir -p "$work/dl"; sync
  seconds curl -sf -o "$work/dl/curl.bin" "$url/bench/model/resolve/main/model.safetensors" >> "$work/curl.t"
  rm -rf "$work/dl"; mkdir -p "$work/dl"; sync
  seconds bash -c "curl -sf '$url/bench/model/resolve/main/model.safetensors' | tee '$work/dl/pipe.bin' | openssl dgst -sha256" >> "$work/pipe.t"
  rm -rf "$work/dl"; sync
  seconds get 1 >> "$work/one.t"
  rm -rf "$work/dl"; sync
  seconds get 8 >> "$work/eight.t"
done
curl_t=$(median < "$work/curl.t"); pipe_t=$(median < "$work/pipe.t"); one_t=$(median < "$work/one.t"); eight_t=$(median < "$work/eight.t")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(curl --version | head -1 | cut -d' ' -f1-2); $(nginx -v 2>&1)"
printf 'one %s GB file on loopback, median of %s interleaved runs:\n' "$size_gb" "$runs"
printf '  curl (no hash)                        %6.2f s  %7.0f MB/s   runs: %s\n' "$curl_t" "$(echo "$bytes / $curl_t / 1000000" | bc -l)" "$(xargs printf '%.2f ' < "$work/curl.t")"
printf '  curl | tee | openssl sha256         %6.2f s  %7.0f MB/s  (ratio to curl %.2f)   runs: %s\n' "$pipe_t" "$(echo "$bytes / $pipe_t / 1000000" | bc -l)" "$(echo "$curl_t / $pipe_t" | bc -l)" "$(xargs printf '%.2f ' < "$work/pipe.t")"
printf '  llmfleet download --connections 1     %6.2f s  %7.0f MB/s  (ratio to curl %.2f)   runs: %s\n' "$one_t" "$(echo "$bytes / $one_t / 1000000" | bc -l)" "$(echo "$curl_t / $one_t" | bc -l)" "$(xargs printf '%.2f ' < "$work/one.t")"
printf '  llmfleet download --connections 8     %6.2f s  %7.0f MB/s  (ratio to curl %.2f)   runs: %s\n' "$eight_t" "$(echo "$bytes / $eight_t / 1000000" | bc -l)" "$(echo "$curl_t / $eight_t" | bc -l)" "$(xargs printf '%.2f ' < "$work/eight.t")"

if [ "${SCALING:-1}" = 0 ]; then exit 0; fi
# Several files: the same bytes as 8 files of SIZE_GB/8, so that --connections also spreads the hashing over files.
rm -f "$work/served/model.safetensors"
for i in 1 2 3 4 5 6 7 8; do head -c $((bytes / 8)) /dev/urandom > "$work/served/model-0000$i-of-00008.safetensors"; done
serve "$work"/served/*.safetensors
echo "8 files of $((size_gb * 1000 / 8)) MB:"
for c in 1 2 4 8; do
  : > "$work/c.t"
  for _ in $(seq "$runs"); do
    rm -rf "$work/dl"; sync
    seconds get "$c" >> "$work/c.t"
  done
  t=$(median < "$work/c.t")
  printf '  --connections %-2s               %6.2f s  %7.0f MB/s\n' "$c" "$t" "$(echo "$bytes / $t / 1000000" | bc -l)"
done
