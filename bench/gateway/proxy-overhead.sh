#!/usr/bin/env bash
# Gateway cost per request against a vLLM twin at --speed 0 (answers at once), each figure a ratio to a reference
# measured in the same run: added latency at one request at a time over going straight to the twin (wrk -c1), and
# CPU time per proxied request (from /proc) relative to nginx as a plain keep-alive reverse proxy to the same twin,
# and to bench/gateway/BareProxy (Kestrel + YARP's forwarder alone), the floor of the stack the gateway is built on.
# Non-streamed and streamed (16 tokens, ~18 SSE events) requests. Needs: wrk, nginx-light (Debian packages).
# Usage: bench/gateway/proxy-overhead.sh [runs=3] [seconds=8]
source "$(dirname "$0")/common.sh"
RUNS=${1:-3}
SECS=${2:-8}
command -v nginx >/dev/null || { echo "needs: apt-get install -y nginx-light" >&2; exit 2; } # wrk: checked by bench/gateway/common.sh
build_cli
start_twins 1 0 18190
TWIN=${TWINS[0]}
start_gateway 18180 round-robin "$TWIN"
start_nginx 18181 "$TWIN"
start_bare 18182 "$TWIN"
echo "twin $TWIN ($SERVED), gateway :18180 (pid $GW_PID), nginx :18181 (pids $NGINX_PIDS), bare YARP :18182 (pid $BARE_PID); $RUNS runs of ${SECS}s"

for kind in plain stream; do
  s=false; [ "$kind" = stream ] && s=true
  printf '{"model":"%s","messages":[{"role":"user","content":"Hello there"}],"max_tokens":16,"stream":%s}' "$SERVED" "$s" >"$WORK/direct-$kind.json"
  printf '{"model":"glm-5.2","messages":[{"role":"user","content":"Hello there"}],"max_tokens":16,"stream":%s}' "$s" >"$WORK/gw-$kind.json"
  # Warm-up (connection pools, and the JIT: under load the runtime goes on compiling hot methods at tier 1 for
  # 10-15 s, about a thousand of them, which would otherwise be counted as CPU per request).
  wrk_post "http://127.0.0.1:18180/v1/chat/completions" "$WORK/gw-$kind.json" 1 32 20 >/dev/null
  wrk_post "$TWIN/v1/chat/completions" "$WORK/direct-$kind.json" 1 4 2 >/dev/null
  wrk_post "http://127.0.0.1:18181/v1/chat/completions" "$WORK/direct-$kind.json" 1 4 2 >/dev/null
  wrk_post "http://127.0.0.1:18182/v1/chat/completions" "$WORK/direct-$kind.json" 1 32 20 >/dev/null
  : >"$WORK/$kind.tsv"
  for r in $(seq 1 "$RUNS"); do
    # One request at a time: latency percentiles.
    for target in direct gateway nginx bare; do
      case $target in
        direct) url="$TWIN/v1/chat/completions"; body="$WORK/direct-$kind.json" ;;
        gateway) url="http://127.0.0.1:18180/v1/chat/completions"; body="$WORK/gw-$kind.json" ;;
        nginx) url="http://127.0.0.1:18181/v1/chat/completions"; body="$WORK/direct-$kind.json" ;;
        bare) url="http://127.0.0.1:18182/v1/chat/completions"; body="$WORK/direct-$kind.json" ;;
      esac
      out=$(wrk_post "$url" "$body" 1 1 "$SECS" --latency)
      p50=$(to_us "$(echo "$out" | awk '$1 == "50%" {print $2}')")
      p99=$(to_us "$(echo "$out" | awk '$1 == "99%" {print $2}')")
      echo -e "$r\tlat\t$target\t$p50\t$p99" >>"$WORK/$kind.tsv"
    done
    # Throughput with 32 connections: CPU ticks per request of the proxy process(es).
    for target in gateway nginx bare; do
      case $target in
        gateway) url="http://127.0.0.1:18180/v1/chat/completions"; body="$WORK/gw-$kind.json"; pids=$GW_PID ;;
        nginx) url="http://127.0.0.1:18181/v1/chat/completions"; body="$WORK/direct-$kind.json"; pids=$NGINX_PIDS ;;
        bare) url="http://127.0.0.1:18182/v1/chat/completions"; body="$WORK/direct-$kind.json"; pids=$BARE_PID ;;
      esac
      before=$(cpu_ticks $pids)
      out=$(wrk_post "$url" "$body" 1 32 "$SECS")
      after=$(cpu_ticks $pids)
      reqs=$(echo "$out" | awk '/requests in/ {print $1}')
      errs=$(echo "$out" | grep -cE 'Non-2xx|Socket errors' || true)
      tick_us=$((1000000 / $(getconf CLK_TCK)))
      echo -e "$r\tcpu\t$target\t$(awk -v a="$after" -v b="$before" -v n="$reqs" -v t="$tick_us" 'BEGIN {printf "%.1f", (a - b) * t / n}')\t$reqs\t$errs" >>"$WORK/$kind.tsv"
    done
  done
  echo "== $kind requests"
  d50=$(awk '$2=="lat" && $3=="direct" {print $4}' "$WORK/$kind.tsv" | median)
  g50=$(awk '$2=="lat" && $3=="gateway" {print $4}' "$WORK/$kind.tsv" | median)
  n50=$(awk '$2=="lat" && $3=="nginx" {print $4}' "$WORK/$kind.tsv" | median)
  d99=$(awk '$2=="lat" && $3=="direct" {print $5}' "$WORK/$kind.tsv" | median)
  g99=$(awk '$2=="lat" && $3=="gateway" {print $5}' "$WORK/$kind.tsv" | median)
  gc=$(awk '$2=="cpu" && $3=="gateway" {print $4}' "$WORK/$kind.tsv" | median)
  nc=$(awk '$2=="cpu" && $3=="nginx" {print $4}' "$WORK/$kind.tsv" | median)
  b50=$(awk '$2=="lat" && $3=="bare" {print $4}' "$WORK/$kind.tsv" | median)
  echo "latency p50 us: direct $d50, gateway $g50, nginx $n50, bare YARP $b50 -> gateway adds $(awk -v a="$g50" -v b="$d50" 'BEGIN {print a - b}') us, bare YARP $(awk -v a="$b50" -v b="$d50" 'BEGIN {print a - b}') us"
  echo "latency p99 us: direct $d99, gateway $g99 -> gateway adds $(awk -v a="$g99" -v b="$d99" 'BEGIN {print a - b}') us"
  bc=$(awk '$2=="cpu" && $3=="bare" {print $4}' "$WORK/$kind.tsv" | median)
  echo "CPU per request us: gateway $gc, nginx $nc -> ratio $(awk -v a="$gc" -v b="$nc" 'BEGIN {printf "%.2f", a / b}')"
  echo "CPU per request us: bare Kestrel + YARP $bc -> gateway / bare $(awk -v a="$gc" -v b="$bc" 'BEGIN {printf "%.2f", a / b}'), bare / nginx $(awk -v a="$bc" -v b="$nc" 'BEGIN {printf "%.2f", a / b}')"
  grep -P '\tcpu\t' "$WORK/$kind.tsv" | awk '$6 > 0 {print "errors in run", $1, $3}'
done
