# Shared helpers of the gateway benchmarks: build once in Release, start a twin (the backend) in its own process,
# start the gateway in another, read CPU time and RSS of a process from /proc. Sourced, not run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export LLMFLEET_ARTIFACTS=${LLMFLEET_ARTIFACTS:-/tmp/art-bench}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORK=$(mktemp -d /tmp/llmfleet-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

build_cli() {
  dotnet build "$ROOT/src/LlmFleet.Cli" -c Release -v q -nologo >/dev/null
  CLI=(dotnet "$LLMFLEET_ARTIFACTS/bin/LlmFleet.Cli/release/llmfleet.dll")
}

wait_for() { # file pattern
  for _ in $(seq 1 600); do grep -qE "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}

# start_twins N SPEED PORT: N twins (and an unused gateway on PORT) in one process; sets TWINS (base URLs).
start_twins() {
  "${CLI[@]}" up --twins "$1" --speed "$2" --urls "http://127.0.0.1:$3" >"$WORK/twins.log" 2>&1 &
  PIDS+=($!)
  wait_for "$WORK/twins.log" 'curl '
  mapfile -t TWINS < <(grep '^Started' "$WORK/twins.log" | grep -oE 'http://127\.0\.0\.1:[0-9]+')
  SERVED=$(curl -s "${TWINS[0]}/v1/models" | grep -oE '"id":"[^"]+"' | head -1 | cut -d'"' -f4)
}

# start_gateway PORT POLICY URL...: the gateway alone in its own process; sets GW_PID.
start_gateway() {
  local port=$1 policy=$2; shift 2
  { echo "models:"; echo "  - name: glm-5.2"; echo "    policy: $policy"; echo "    timeouts: { connect: ${CONNECT_TIMEOUT:-2s} }"; echo "    backends:";
    for u in "$@"; do echo "      - url: $u"; echo "        served_model: $SERVED"; done; } >"$WORK/fleet-$port.yaml"
  "${CLI[@]}" serve --config "$WORK/fleet-$port.yaml" --urls "http://127.0.0.1:$port" >"$WORK/serve-$port.log" 2>&1 &
  GW_PID=$!
  PIDS+=($GW_PID)
  wait_for "$WORK/serve-$port.log" 'listening'
}

# start_nginx PORT UPSTREAM: nginx-light as a plain keep-alive reverse proxy, one worker; sets NGINX_PIDS.
start_nginx() {
  local port=$1 upstream=${2#http://}
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  upstream backend { server $upstream; keepalive 256; }
  server {
    listen 127.0.0.1:$port;
    client_max_body_size 32m;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
NGINX
  nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g 'daemon on;'
  sleep 0.5
  NGINX_PIDS=$(pgrep -P "$(cat "$WORK/nginx/nginx.pid")" | tr '\n' ' ')" $(cat "$WORK/nginx/nginx.pid")"
  PIDS+=($(cat "$WORK/nginx/nginx.pid"))
}

# cpu_ticks PID...: user+system clock ticks used so far by the processes (all threads).
cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# wrk_post URL BODYFILE THREADS CONNECTIONS SECONDS [extra wrk args]: runs wrk with a POST body, output to stdout.
wrk_post() {
  local url=$1 body=$2 t=$3 c=$4 d=$5; shift 5
  cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$body", "r"); wrk.body = f:read("*a"); f:close()
LUA
  wrk -t"$t" -c"$c" -d"${d}s" -s "$WORK/post.lua" "$@" "$url"
}

# to_us "1.23ms" -> microseconds
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1e6; else print n }'; }

median() { sort -g | awk '{a[NR] = $1} END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
