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
source "$(dirname "$0")/../common.sh"
cd "$ROOT"
size_gb=${1:-4}
runs=${2:-3}
port=${PORT:-18431}
command -v nginx >/dev/null || { echo "needs: apt-get install -y nginx-light" >&2; exit 2; }
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/llmfleet-dlbench.XXXXXX")
chmod 755 "$work" # nginx workers run as an unprivileged user
trap 'cleanup; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

build_cli

# nginx_cpu: CPU seconds the nginx worker has used so far.
nginx_cpu() { echo "$(cpu_ticks "$(pgrep -P "$(cat "$work/nginx.pid")")") / $(getconf CLK_TCK)" | bc -l; }
# timed FILE COMMAND...: appends the command's wall-clock seconds to FILE, its CPU seconds (user + system, child
# processes included) to FILE.cpu and nginx's to FILE.nginx: on two cores, the tool and the server share one budget.
timed() {
  local file=$1 TIMEFORMAT='%R %U %S' t n0
  shift
  n0=$(nginx_cpu)
  t=$( { time "$@" >/dev/null 2>&3; } 3>&2 2>&1 )
  echo "${t%% *}" >> "$file"
  echo "$t" | awk '{print $2 + $3}' >> "$file.cpu"
  echo "$(nginx_cpu) - $n0" | bc -l >> "$file.nginx"
}

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
get() { "${CLI[@]}" download bench/model --dir "$work/dl" --endpoint "$url" --connections "$1" --json; }

: > "$work/curl.t"; : > "$work/pipe.t"; : > "$work/one.t"; : > "$work/eight.t"; rm -f "$work"/*.t.cpu "$work"/*.t.nginx
# One untimed download by each tool first: the first writer of a run pays for the VM's first touch of the memory
# that backs the page cache, which made the first timed run up to twice as slow as the others.
mkdir -p "$work/dl"; curl -sf -o "$work/dl/curl.bin" "$url/bench/model/resolve/main/model.safetensors"
rm -rf "$work/dl"; get 8 >/dev/null
# Each run starts with no dirty pages left by the one before (sync), so write-back falls on each tool alike.
for _ in $(seq "$runs"); do
  rm -rf "$work/dl"; mkdir -p "$work/dl"; sync
  timed "$work/curl.t" curl -sf -o "$work/dl/curl.bin" "$url/bench/model/resolve/main/model.safetensors"
  rm -rf "$work/dl"; mkdir -p "$work/dl"; sync
  timed "$work/pipe.t" bash -c "curl -sf '$url/bench/model/resolve/main/model.safetensors' | tee '$work/dl/pipe.bin' | openssl dgst -sha256"
  rm -rf "$work/dl"; sync
  timed "$work/one.t" get 1
  rm -rf "$work/dl"; sync
  timed "$work/eight.t" get 8
done
curl_t=$(median < "$work/curl.t")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(curl --version | head -1 | cut -d' ' -f1-2); $(nginx -v 2>&1)"
printf 'one %s GB file on loopback, median of %s interleaved runs:\n' "$size_gb" "$runs"
# row LABEL FILE: median time, rate, ratio to curl, median CPU seconds of the tool and of nginx, every run's time.
row() {
  local t
  t=$(median < "$2")
  printf '  %-36s %6.2f s  %5.0f MB/s  ratio to curl %.2f  CPU %5.2f s + nginx %4.2f s   runs: %s\n' "$1" "$t" \
    "$(echo "$bytes / $t / 1000000" | bc -l)" "$(echo "$curl_t / $t" | bc -l)" "$(median < "$2.cpu")" "$(median < "$2.nginx")" \
    "$(xargs printf '%.2f ' < "$2")"
}
row "curl (no hash)" "$work/curl.t"
row "curl | tee | openssl sha256" "$work/pipe.t"
row "llmfleet download --connections 1" "$work/one.t"
row "llmfleet download --connections 8" "$work/eight.t"

if [ "${SCALING:-1}" = 0 ]; then exit 0; fi
# Several files: the same bytes as 8 files of SIZE_GB/8, so that --connections also spreads the hashing over files.
rm -f "$work/served/model.safetensors"
for i in 1 2 3 4 5 6 7 8; do head -c $((bytes / 8)) /dev/urandom > "$work/served/model-0000$i-of-00008.safetensors"; done
serve "$work"/served/*.safetensors
echo "8 files of $((size_gb * 1000 / 8)) MB:"
for c in 1 2 4 8; do
  : > "$work/c.t"; rm -f "$work/c.t.cpu" "$work/c.t.nginx"
  for _ in $(seq "$runs"); do
    rm -rf "$work/dl"; sync
    timed "$work/c.t" get "$c"
  done
  t=$(median < "$work/c.t")
  printf '  --connections %-2s               %6.2f s  %7.0f MB/s  CPU %5.2f s + nginx %4.2f s\n' "$c" "$t" \
    "$(echo "$bytes / $t / 1000000" | bc -l)" "$(median < "$work/c.t.cpu")" "$(median < "$work/c.t.nginx")"
done
