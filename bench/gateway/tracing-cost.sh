#!/usr/bin/env bash
# CPU per proxied request with OpenTelemetry traces off and on, each against a reference build measured in the same
# run (bench/gateway/against-reference.sh, run twice): off, the ratio to a build without tracing should be 1 within
# noise; on, every span is exported over OTLP/HTTP to a local sink (nginx answering 200 to POST /v1/traces) with a
# 100 ms batch delay and a queue large enough that no span is dropped.
# Usage: bench/gateway/tracing-cost.sh REFERENCE_LLMFLEET_DLL [runs=5] [seconds=8]   (needs Debian's nginx and wrk)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
command -v nginx >/dev/null || { echo "needs: apt-get install -y nginx-light" >&2; exit 2; }
SINK=$(mktemp -d /tmp/llmfleet-otlp-sink.XXXXXX)
cat >"$SINK/nginx.conf" <<NGINX
worker_processes 1;
pid $SINK/nginx.pid;
error_log $SINK/error.log warn;
events { worker_connections 1024; }
http {
  access_log $SINK/access.log;
  client_body_temp_path $SINK;
  server { listen 127.0.0.1:18299; client_max_body_size 64m; location = /v1/traces { return 200; } }
}
NGINX
nginx -c "$SINK/nginx.conf" -p "$SINK" -g 'daemon on;'
trap 'kill "$(cat "$SINK/nginx.pid")" 2>/dev/null || true' EXIT
echo "### traces off"
"$HERE/against-reference.sh" "$@"
echo "### traces on, exported to the sink"
THIS_ENV="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:18299 OTEL_BSP_SCHEDULE_DELAY=100 OTEL_BSP_MAX_QUEUE_SIZE=262144 OTEL_BSP_MAX_EXPORT_BATCH_SIZE=4096" \
  LLMFLEET_BENCH_NO_BUILD=1 "$HERE/against-reference.sh" "$@"
echo "OTLP exports received by the sink: $(grep -c 'POST /v1/traces' "$SINK/access.log" || true)"
