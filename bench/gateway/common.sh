# Helpers of the gateway benchmarks: bench/common.sh plus starting twins (the backends), the gateway and nginx, each
# in a process of its own so that /proc gives each one's CPU time. Sourced, not run.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
needs_wrk

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

# start_bare PORT UPSTREAM: bench/gateway/BareProxy (Kestrel + YARP's forwarder and nothing else) in its own process,
# the floor of the stack the gateway is built on; sets BARE_PID.
start_bare() {
  build_release bench/gateway/BareProxy
  dotnet "$LLMFLEET_ARTIFACTS/bin/BareProxy/release/BareProxy.dll" "$2" "http://127.0.0.1:$1" >"$WORK/bare.log" 2>&1 &
  BARE_PID=$!
  PIDS+=($BARE_PID)
  wait_for "$WORK/bare.log" 'listening'
}
