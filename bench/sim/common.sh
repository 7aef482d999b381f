# Shared helpers of the twin benchmarks: build the CLI once in Release, start `llmfleet sim` in its own process,
# read its CPU time and RSS from /proc, run wrk with a POST body. Sourced, not run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export LLMFLEET_ARTIFACTS=${LLMFLEET_ARTIFACTS:-/tmp/art-bench}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORK=$(mktemp -d /tmp/llmfleet-simbench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "needs: apt-get install -y wrk" >&2; exit 2; }

build_cli() { # LLMFLEET_BENCH_NO_BUILD=1 reuses the last Release build
  [ "${LLMFLEET_BENCH_NO_BUILD:-0}" = 1 ] || dotnet build "$ROOT/src/LlmFleet.Cli" -c Release -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
  CLI=(dotnet "$LLMFLEET_ARTIFACTS/bin/LlmFleet.Cli/release/llmfleet.dll")
}

# start_sim PORT ARGS...: one twin of GLM-5.2 FP8 on 8×H200 in its own process; sets SIM_PID and SERVED.
start_sim() {
  local port=$1; shift
  "${CLI[@]}" sim glm-5.2 --port "$port" "$@" >"$WORK/sim.log" 2>&1 &
  SIM_PID=$!
  PIDS+=($SIM_PID)
  for _ in $(seq 1 600); do grep -q 'Ctrl+C' "$WORK/sim.log" 2>/dev/null && break; sleep 0.1; done
  grep -q 'Ctrl+C' "$WORK/sim.log" || { cat "$WORK/sim.log" >&2; exit 1; }
  SERVED=$(curl -s "http://127.0.0.1:$port/v1/models" | grep -oE '"id":"[^"]+"' | head -1 | cut -d'"' -f4)
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# wrk_post URL BODYFILE THREADS CONNECTIONS SECONDS [extra wrk args]
wrk_post() {
  local url=$1 body=$2 t=$3 c=$4 d=$5; shift 5
  cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$body", "r"); wrk.body = f:read("*a"); f:close()
LUA
  wrk -t"$t" -c"$c" -d"${d}s" -s "$WORK/post.lua" "$@" "$url"
}

median() { sort -g | awk '{a[NR] = $1} END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
