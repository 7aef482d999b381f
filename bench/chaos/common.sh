# Helpers of the chaos benches: bench/sim/common.sh (twins, wrk, Release CLI) plus a private PostgreSQL and a real
# `llmfleet serve` process to kill and restart. Sourced, not run.
source "$(dirname "${BASH_SOURCE[0]}")/../sim/common.sh"
chmod 755 "$WORK"

# start_postgres PORT: a private cluster (initdb in the work folder, run as the postgres user) with a database `fleet`
# owned by `llmfleet`, trusted on 127.0.0.1, so an outage stops this one and no shared server. Sets PG_URL.
start_postgres() {
  PG_PORT=$1
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$PG_BIN" ] || { echo "needs: apt-get install -y postgresql" >&2; exit 2; }
  PG_DATA="$WORK/pg"
  mkdir -p "$PG_DATA" && chown postgres "$PG_DATA"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U llmfleet >"$WORK/initdb.log" 2>&1
  pg_up
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U llmfleet fleet
  PG_URL="postgres://llmfleet@127.0.0.1:$PG_PORT/fleet"
  trap 'pg_down; cleanup' EXIT
}
pg_up() { runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$PG_DATA/server.log" \
  -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1" start >/dev/null; }
# pg_down: an immediate stop, as a crash: connections are cut, nothing is flushed politely.
pg_down() { [ -n "${PG_DATA:-}" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true; }
ledger_rows() { psql -h 127.0.0.1 -p "$PG_PORT" -U llmfleet -d fleet -tAc "SELECT count(*) FROM usage_ledger"; }
# metric_sum PORT NAME: the sum of a counter over all its label sets on the gateway's /metrics (0 when absent).
metric_sum() { curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 {s += $2} END {printf "%.0f\n", s}'; }

# write_fleet PORT [STORE]: fleet.yaml in the work folder, one model on the twin started by start_sim.
write_fleet() {
  cat >"$WORK/fleet.yaml" <<YAML
listen: http://127.0.0.1:$1
${2:+store: $2}
models:
  - name: glm-5.2
    backends:
      - url: http://127.0.0.1:$TWIN_PORT
        served_model: $SERVED
YAML
}

# start_serve PORT: `llmfleet serve` on the work folder's fleet.yaml; sets SERVE_PID; returns once /health answers.
# Its access log is off: a JSON line of ~1 KB per request at thousands a second would load the shared machine.
start_serve() {
  SERVE_PORT=$1
  (cd "$WORK" && exec env Logging__LogLevel__LlmFleet.Gateway.AccessLog=None "${CLI[@]}" serve --config "$WORK/fleet.yaml" --urls "http://127.0.0.1:$SERVE_PORT" >>"$WORK/serve.log" 2>&1) &
  SERVE_PID=$!
  PIDS+=($SERVE_PID)
  for _ in $(seq 1 300); do
    [ "$(curl -s -m 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SERVE_PORT/health")" = 200 ] && return 0
    sleep 0.2
  done
  echo "serve did not start" >&2; cat "$WORK/serve.log" >&2; exit 1
}

# warm_up PORT: 3 s of the load before the measured run, so JIT and tiered compilation are not counted as a fault.
warm_up() { wrk_post "http://127.0.0.1:$1/v1/chat/completions" "$WORK/chat.json" 2 16 3 >/dev/null; }

# chat_body: a non-streamed 16-token request for the twin's model.
chat_body() { echo '{"model":"glm-5.2","messages":[{"role":"user","content":"Tell me about the fleet."}],"max_tokens":16}' >"$WORK/chat.json"; }

# wrk_summary FILE: "responses non2xx socket_errors" from a wrk report (wrk counts non-2xx answers among responses).
wrk_summary() {
  awk '/requests in/ {n = $1} /Non-2xx/ {x = $NF} /Socket errors/ {gsub(",", ""); s = $4 + $6 + $8 + $10} END {print n + 0, x + 0, s + 0}' "$1"
}

# ledger_rig BASE_PORT: the Release CLI, a twin on BASE_PORT, a private PostgreSQL on BASE_PORT+2, the chat body and a
# fleet.yaml for a gateway on BASE_PORT+1 with its ledger in that PostgreSQL.
ledger_rig() {
  TWIN_PORT=$1
  build_cli
  start_sim "$TWIN_PORT" --speed 0
  start_postgres $(($1 + 2))
  chat_body
  write_fleet $(($1 + 1)) "$PG_URL"
}
