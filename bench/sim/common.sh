# Helpers of the twin benchmarks: bench/common.sh plus starting `llmfleet sim` in its own process. Sourced, not run.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
needs_wrk

# start_sim PORT ARGS...: one twin of GLM-5.2 FP8 on 8×H200 in its own process; sets SIM_PID and SERVED.
start_sim() {
  local port=$1; shift
  "${CLI[@]}" sim glm-5.2 --port "$port" "$@" >"$WORK/sim.log" 2>&1 &
  SIM_PID=$!
  PIDS+=($SIM_PID)
  wait_for "$WORK/sim.log" 'Ctrl\+C'
  SERVED=$(curl -s "http://127.0.0.1:$port/v1/models" | grep -oE '"id":"[^"]+"' | head -1 | cut -d'"' -f4)
}
