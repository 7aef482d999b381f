#!/usr/bin/env bash
# CPU per request of a gateway whose clients send a JWT (auth: jwt, RS256, checked against a key set served on
# loopback) over the same gateway whose clients send a gateway key (auth: keys), in one run. Both have the same
# limits (out of reach) and the SQLite ledger, so the difference is the token check — signature, issuer, audience,
# lifetime, claims — against the key's hash lookup. One vLLM twin at --speed 0; runs alternate keys/jwt and the
# medians are compared. The key set is a static file served by python3's http.server; the RSA key and the token are
# made with openssl. Needs: wrk, openssl, python3. Usage: bench/access/jwt-overhead.sh [runs=3] [seconds=8] [connections=32]
RUNS=${1:-3}
SECS=${2:-8}
CONNS=${3:-32}
source "$(dirname "$0")/common.sh"
build_cli
start_twins 1 0 18390
TWIN=${TWINS[0]}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
openssl genrsa -out "$WORK/idp.pem" 2048 2>/dev/null
N=$(openssl rsa -in "$WORK/idp.pem" -noout -modulus | cut -d= -f2 | xxd -r -p | b64url)
mkdir -p "$WORK/idp"
printf '{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"bench","n":"%s","e":"AQAB"}]}' "$N" >"$WORK/idp/jwks.json"
(cd "$WORK/idp" && exec python3 -m http.server 18393 --bind 127.0.0.1 >"$WORK/idp.log" 2>&1) &
PIDS+=($!)
header=$(printf '{"alg":"RS256","typ":"JWT","kid":"bench"}' | b64url)
payload=$(printf '{"sub":"bench","team":"perf","iss":"https://idp.bench","aud":"llm-fleet","exp":%s,"llm_rpm":1000000000}' "$(($(date +%s) + 7200))" | b64url)
TOKEN="$header.$payload.$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$WORK/idp.pem" | b64url)"

models="models:
  - name: glm-5.2
    backends:
      - url: $TWIN
        served_model: $SERVED"
printf 'store: sqlite:%s/keys.db\nauth: keys\n%s\n' "$WORK" "$models" >"$WORK/fleet-keys.yaml"
KEY=$(unlimited_key "$WORK/fleet-keys.yaml" bench)
cat >"$WORK/fleet-jwt.yaml" <<YAML
store: sqlite:$WORK/jwt.db
auth:
  mode: jwt
  jwt:
    issuer: https://idp.bench
    audience: llm-fleet
    jwks_url: http://127.0.0.1:18393/jwks.json
    claims: { team: team, rpm: llm_rpm }
    defaults: { tpm: 1000000000000, parallel: 100000, budget_day: 1000000000000000 }
$models
YAML

declare -A GW CRED
CRED[keys]=$KEY
CRED[jwt]=$TOKEN
for mode in keys jwt; do
  port=$([ $mode = keys ] && echo 18380 || echo 18381)
  "${CLI[@]}" serve --config "$WORK/fleet-$mode.yaml" --urls "http://127.0.0.1:$port" >"$WORK/serve-$mode.log" 2>&1 &
  GW[$mode]=$!
  PIDS+=($!)
  wait_for "$WORK/serve-$mode.log" 'listening'
done
echo "twin $TWIN; gateway keys :18380 (pid ${GW[keys]}), jwt :18381 (pid ${GW[jwt]}); $RUNS runs of ${SECS}s, $CONNS connections"

printf '{"model":"glm-5.2","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Summarise the plot of Hamlet in three sentences."}],"max_tokens":16}' >"$WORK/plain.json"
wrk_as() { # mode seconds connections
  local port=$([ "$1" = keys ] && echo 18380 || echo 18381)
  cat >"$WORK/post-$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${CRED[$1]}"
local f = io.open("$WORK/plain.json", "r"); wrk.body = f:read("*a"); f:close()
LUA
  wrk -t1 -c"$3" -d"${2}s" -s "$WORK/post-$1.lua" "http://127.0.0.1:$port/v1/chat/completions"
}

# Warm-up: pools, tokenizer, the key set, and the JIT (tier 1 goes on compiling hot methods for 10-15 s under load).
for mode in keys jwt; do wrk_as $mode 15 32 >/dev/null; done
tick_us=$((1000000 / $(getconf CLK_TCK)))
: >"$WORK/runs.tsv"
for r in $(seq 1 "$RUNS"); do
  for mode in keys jwt; do
    before=$(cpu_ticks "${GW[$mode]}")
    out=$(wrk_as $mode "$SECS" "$CONNS")
    after=$(cpu_ticks "${GW[$mode]}")
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    echo -e "$r\t$mode\t$(awk -v a="$after" -v b="$before" -v n="$reqs" -v t="$tick_us" 'BEGIN {printf "%.1f", (a - b) * t / n}')\t$reqs\t${non2xx:-0}" >>"$WORK/runs.tsv"
  done
done
keys=$(awk '$2=="keys" {print $3}' "$WORK/runs.tsv" | median)
jwt=$(awk '$2=="jwt" {print $3}' "$WORK/runs.tsv" | median)
echo "== CPU per request us: keys $keys, jwt $jwt -> ratio $(awk -v a="$jwt" -v b="$keys" 'BEGIN {printf "%.2f", a / b}')"
awk '{printf "   run %s %-4s %8s us/req %8s requests %s non-2xx\n", $1, $2, $3, $4, $5}' "$WORK/runs.tsv"
echo "key-set fetches: $(grep -c 'GET /jwks.json' "$WORK/idp.log")"
