#!/usr/bin/env bash
# COUNT idle keep-alive connections (default 50,000) to a real `llmfleet serve`: each served one request, then stays
# silent. Reports how many the gateway holds, its RSS and open descriptors before and with them, and whether a new
# client still gets an answer. The client is bench/chaos/idle_connections.py in PROCS processes, each from its own
# 127.0.0.x source address (one address has ~28,000 ephemeral ports). Needs: python3. Usage: idle-connections.sh [count] [procs]
source "$(dirname "$0")/common.sh"
COUNT=${1:-50000}
PROCS=${2:-6}
TWIN_PORT=18500
build_cli
start_sim $TWIN_PORT --speed 0
write_fleet 18501
start_serve 18501
echo "open-files limit: soft $(ulimit -Sn), hard $(ulimit -Hn) (each process: the gateway's and each client's)"
echo "before: RSS $(rss_mb "$SERVE_PID") MB, fds $(ls /proc/"$SERVE_PID"/fd | wc -l)"
per=$(( (COUNT + PROCS - 1) / PROCS ))
for i in $(seq 1 "$PROCS"); do
  python3 "$(dirname "$0")/idle_connections.py" 127.0.0.1 18501 "127.0.0.$((i + 1))" "$per" 40 >"$WORK/client-$i.log" 2>&1 &
  PIDS+=($!)
done
# Wait until every client has reported (each prints one line once its connections are open or failed).
for _ in $(seq 1 600); do
  [ "$(cat "$WORK"/client-*.log 2>/dev/null | grep -c ' open, failed')" -ge "$PROCS" ] && break; sleep 0.5
done
cat "$WORK"/client-*.log
established=$(ss -Htn state established "( sport = :18501 )" | wc -l)
echo "with them: established at the gateway $established; RSS $(rss_mb "$SERVE_PID") MB, fds $(ls /proc/"$SERVE_PID"/fd | wc -l)"
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:18501/health" || true)
echo "a new client meanwhile: /health ${code:-no answer} (curl -m 5)"
grep -iE "too many open files|accept" "$WORK/serve.log" | sort | uniq -c | head -5 || true
wait "${PIDS[@]: -$PROCS}" 2>/dev/null || true
sleep 2
echo "after they closed: RSS $(rss_mb "$SERVE_PID") MB, fds $(ls /proc/"$SERVE_PID"/fd | wc -l), /health $(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:18501/health")"
