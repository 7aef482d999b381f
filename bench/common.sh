# Helpers shared by the benchmark scripts: build the CLI once in Release, a work folder and the processes to stop
# on exit, waiting for a log line, CPU time and RSS of processes from /proc, wrk with a POST body, medians.
# Sourced, directly or through bench/<area>/common.sh, not run. Scripts that drive load with wrk call needs_wrk.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LLMFLEET_ARTIFACTS=${LLMFLEET_ARTIFACTS:-/tmp/art-bench}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORK=$(mktemp -d /tmp/llmfleet-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
needs_wrk() { command -v wrk >/dev/null || { echo "needs: apt-get install -y wrk" >&2; exit 2; }; }

# build_release PROJECT_DIR: a quiet Release build of a project under the repository root, its log shown only when it
# fails. LLMFLEET_BENCH_NO_BUILD=1 reuses the last Release build.
build_release() {
  [ "${LLMFLEET_BENCH_NO_BUILD:-0}" = 1 ] && return 0
  local log="$WORK/build-$(basename "$1").log"
  dotnet build "$ROOT/$1" -c Release -v q -nologo >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
}

build_cli() {
  build_release src/LlmFleet.Cli
  CLI=(dotnet "$LLMFLEET_ARTIFACTS/bin/LlmFleet.Cli/release/llmfleet.dll")
}

wait_for() { # file pattern
  for _ in $(seq 1 600); do grep -qE "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
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
