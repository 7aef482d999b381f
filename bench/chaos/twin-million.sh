#!/usr/bin/env bash
# One twin at --speed 0 serves TOTAL requests (default 1,000,000) without stopping: wrk in rounds of SECS seconds with
# 64 keep-alive connections, every request a different prompt (half streamed), then a round with a new connection per
# request. After each round: requests so far, the twin's RSS, open file descriptors and whether it still answers.
# Fails (exit 1) when a round serves nothing or the twin stops answering. Needs: wrk. Usage: twin-million.sh [total] [secs]
source "$(dirname "$0")/../sim/common.sh"
TOTAL=${1:-1000000}
SECS=${2:-20}
build_cli
start_sim 18450 --speed 0
cat >"$WORK/vary.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local body = '{"model":"$SERVED","messages":[{"role":"user","content":"Question ' .. n .. ' ' .. math.random(1, 1000000000) ..
    ' and enough words to fill a few full blocks of the prompt for the prefix cache"}],"max_tokens":16,"stream":' .. (n % 2 == 0 and 'true' or 'false') .. '}'
  return wrk.format(nil, nil, nil, body)
end
LUA
served=0
round=0
while [ "$served" -lt "$TOTAL" ]; do
  round=$((round + 1))
  extra=()
  [ $((round % 5)) -eq 0 ] && extra=(-H "Connection: close")
  n=$(wrk -t2 -c64 -d"${SECS}s" -s "$WORK/vary.lua" "${extra[@]}" "http://127.0.0.1:18450/v1/chat/completions" | awk '/requests in/ {print $1}')
  [ "${n:-0}" -gt 0 ] || { echo "round $round served nothing: the twin stalled" >&2; exit 1; }
  served=$((served + n))
  code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:18450/health)
  echo "round $round: $n requests (${extra[*]:-keep-alive}), $served in all; RSS $(rss_mb "$SIM_PID") MB, fds $(ls /proc/"$SIM_PID"/fd | wc -l), /health $code"
  [ "$code" = 200 ] || { echo "the twin stopped answering" >&2; exit 1; }
done
echo "served $served requests at --speed 0 without a stall"
