# Shared by the access benchmarks: the gateway benchmarks' helpers (build, twins, /proc readings) plus a key whose
# limits are never reached, so every request pays for the checks without being refused. Sourced, not run.
source "$(dirname "${BASH_SOURCE[0]}")/../gateway/common.sh"

# unlimited_key CONFIG NAME: creates a key with rpm, tpm, parallel and a daily budget, all out of reach; prints it.
unlimited_key() {
  "${CLI[@]}" keys create --config "$1" --name "$2" --rpm 1000000000 --tpm 1000000000000 \
    --parallel 100000 --budget-tokens-day 1000000000000000 --json | grep -oE '"key": "[^"]+"' | cut -d'"' -f4
}
