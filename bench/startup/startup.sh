#!/usr/bin/env bash
# Start-up of `llmfleet models`: the release binary (eng/release.sh: Native AOT on linux-x64, ReadyToRun elsewhere)
# against the framework-dependent `dotnet llmfleet.dll` of a Release build, with a single-file hello world
# (bench/startup/Hello: the .NET runtime starting and exiting, nothing of llmfleet) as the floor.
# The three run interleaved (one of each per round), so load that comes and goes on a shared machine falls on all of
# them alike. Prints, per program, the median over N rounds (default 30, after 3 warm-up rounds) of the wall time and
# of the CPU time (user + system, which waiting for a busy CPU does not inflate), and the ratios to the dll.
#
#   bench/startup/startup.sh [N]        # builds all three first
#   LLMFLEET_BENCH_NO_BUILD=1 LLMFLEET_RELEASE_DIR=DIR bench/startup/startup.sh
source "$(dirname "$0")/../common.sh"
runs=${1:-30}
[ -x /usr/bin/time ] || { echo "needs: apt-get install -y time" >&2; exit 2; }
build_cli
release=${LLMFLEET_RELEASE_DIR:-$LLMFLEET_ARTIFACTS/release}
hello_dir=$LLMFLEET_ARTIFACTS/startup-hello
if [ "${LLMFLEET_BENCH_NO_BUILD:-0}" != 1 ]; then
  LLMFLEET_RELEASE_DIR=$release "$ROOT/eng/release.sh" linux-x64 >"$WORK/release.log"
  # A single-file JIT app as the ReadyToRun release binaries are published, less ReadyToRun: its own code is one
  # line, the framework's assemblies come compiled ReadyToRun in the runtime pack.
  dotnet publish "$ROOT/bench/startup/Hello" -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
    -p:DebugType=none -o "$hello_dir" -v q -nologo >"$WORK/hello.log" 2>&1 || { cat "$WORK/hello.log" >&2; exit 1; }
fi

names=("release binary" "dotnet llmfleet.dll" "hello world, single-file")
commands=("$release/linux-x64/llmfleet models" "${CLI[*]} models" "$hello_dir/Hello")

# time_once I: runs command I once (output discarded) and appends "wall_ms cpu_ms" to $WORK/I.
time_once() {
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" ${commands[$1]} >/dev/null
  awk '{printf "%.0f %.0f\n", $1 * 1000, ($2 + $3) * 1000}' "$WORK/time" >>"$WORK/$1"
}

for round in $(seq -3 "$runs"); do
  for i in "${!commands[@]}"; do
    time_once "$i"
    [ "$round" -le 0 ] && : >"$WORK/$i" # the warm-up rounds are not counted
  done
done

for i in "${!commands[@]}"; do
  wall[i]=$(cut -d' ' -f1 "$WORK/$i" | median)
  cpu[i]=$(cut -d' ' -f2 "$WORK/$i" | median)
done
echo "llmfleet models, median of $runs interleaved rounds (load average $(cut -d' ' -f1 /proc/loadavg)):"
for i in "${!commands[@]}"; do
  awk -v n="${names[i]}" -v w="${wall[i]}" -v c="${cpu[i]}" -v dw="${wall[1]}" -v dc="${cpu[1]}" \
    'BEGIN {printf "  %-26s wall %6.0f ms (%.2f of the dll)   cpu %5.0f ms (%.2f of the dll)\n", n, w, w / dw, c, c / dc}'
done
