#!/usr/bin/env bash
# CPU per proxied request of this checkout's gateway against a reference build of the gateway (another commit, e.g.
# main), both over the same twin at --speed 0, measured in the same run, alternating, non-streamed and streamed; the
# figure is the median ratio this / reference. Each gateway runs as `serve` does by default with its output going to a
# file (so JSON logs, and the access log where the build has one).
# Usage: bench/gateway/against-reference.sh REFERENCE_LLMFLEET_DLL [runs=5] [seconds=8]
#   WARMUP=seconds of load before measuring (default 20);
#   THIS_ENV="NAME=value ..." sets variables for this checkout's gateway only (bench/gateway/tracing-cost.sh uses it).
#   e.g. git archive main | tar -x -C /tmp/ref && LLMFLEET_ARTIFACTS=/tmp/art-ref dotnet build /tmp/ref/src/LlmFleet.Cli -c Release
#        bench/gateway/against-reference.sh /tmp/art-ref/bin/LlmFleet.Cli/release/llmfleet.dll
source "$(dirname "$0")/common.sh"
REF=${1:?usage: against-reference.sh REFERENCE_LLMFLEET_DLL [runs] [seconds]}
RUNS=${2:-5}
SECS=${3:-8}
[ -f "$REF" ] || { echo "no such file: $REF" >&2; exit 2; }
build_cli
start_twins 1 0 18290
TWIN=${TWINS[0]}
THIS_CLI=("${CLI[@]}")
# shellcheck disable=SC2206 # THIS_ENV is a list of NAME=value words; env execs the gateway, so its pid stays $!.
CLI=(env ${THIS_ENV:-} "${THIS_CLI[@]}")
start_gateway 18280 round-robin "$TWIN"
THIS_PID=$GW_PID
CLI=(dotnet "$REF")
start_gateway 18281 round-robin "$TWIN"
REF_PID=$GW_PID
CLI=("${THIS_CLI[@]}")
echo "twin $TWIN, this gateway :18280 (pid $THIS_PID), reference :18281 (pid $REF_PID); $RUNS runs of ${SECS}s"
for kind in plain stream; do
  s=false; [ "$kind" = stream ] && s=true
  printf '{"model":"glm-5.2","messages":[{"role":"user","content":"Hello there"}],"max_tokens":16,"stream":%s}' "$s" >"$WORK/$kind.json"
  for port in 18280 18281; do wrk_post "http://127.0.0.1:$port/v1/chat/completions" "$WORK/$kind.json" 1 32 "${WARMUP:-20}" >/dev/null; done
  : >"$WORK/$kind.tsv"
  for r in $(seq 1 "$RUNS"); do
    for target in this reference; do
      if [ $target = this ]; then port=18280; pid=$THIS_PID; else port=18281; pid=$REF_PID; fi
      before=$(cpu_ticks $pid)
      out=$(wrk_post "http://127.0.0.1:$port/v1/chat/completions" "$WORK/$kind.json" 1 32 "$SECS")
      after=$(cpu_ticks $pid)
      reqs=$(echo "$out" | awk '/requests in/ {print $1}')
      tick_us=$((1000000 / $(getconf CLK_TCK)))
      echo -e "$r\t$target\t$(awk -v a="$after" -v b="$before" -v n="$reqs" -v t="$tick_us" 'BEGIN {printf "%.1f", (a - b) * t / n}')\t$reqs" >>"$WORK/$kind.tsv"
    done
  done
  t=$(awk '$2=="this" {print $3}' "$WORK/$kind.tsv" | median)
  f=$(awk '$2=="reference" {print $3}' "$WORK/$kind.tsv" | median)
  echo "== $kind: CPU per request us: this $t, reference $f -> ratio $(awk -v a="$t" -v b="$f" 'BEGIN {printf "%.3f", a / b}')"
  echo "   per run (run, target, us, requests):"; sed 's/^/   /' "$WORK/$kind.tsv"
done
echo "access-log lines written by this gateway: $(grep -c 'LlmFleet.Gateway.AccessLog' "$WORK/serve-18280.log" || true)"
