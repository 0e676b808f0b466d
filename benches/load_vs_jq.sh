#!/usr/bin/env bash
# Loading a real-shaped account export, side by side with `jq .` on the same file: wall
# time, CPU time (user + system) and peak RSS, each the median of RUNS runs, the two
# commands taking turns.
#
#   benches/load_vs_jq.sh [ROLES...]        # default: 20000 100000; RUNS=3
#
# The exports come from `gen_org --profile realistic` (every version of each customer
# managed policy, large AWS managed policies, realistic attachment counts) and are written
# once under target/bench-data/. The figures go to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20000 100000)
command -v jq >/dev/null || { echo "jq is not installed (apt-get install jq)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed (apt-get install time)" >&2; exit 2; }
cargo build --release --quiet --bin rolescope --example gen_org
dir=target/bench-data
mkdir -p "$dir"

# Prints "wall cpu rss_kb" for one run of the command.
measure() {
  local log
  log=$(mktemp)
  /usr/bin/time -o "$log" -f '%e %U %S %M' "$@" >/dev/null 2>&1
  awk '{printf "%.2f %.2f %d\n", $1, $2 + $3, $4}' "$log"
  rm -f "$log"
}
# The median of one column of rows "wall cpu rss_kb".
median() {
  local col=$1
  shift
  printf '%s\n' "$@" | cut -d' ' -f"$col" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

printf '| roles | file | rolescope wall / CPU / RSS | jq . wall / CPU / RSS | wall ratio | CPU ratio | RSS ÷ file |\n'
printf '| ---: | ---: | --- | --- | ---: | ---: | ---: |\n'
for roles in "${sizes[@]}"; do
  file="$dir/real-$roles.json"
  [ -s "$file" ] || target/release/examples/gen_org --profile realistic --roles "$roles" --out "$file" 2>/dev/null
  bytes=$(stat -c %s "$file")
  # Interleaved, so a change in the machine's load falls on both alike.
  ours=() theirs=()
  for ((i = 0; i < runs; i++)); do
    ours+=("$(measure target/release/rolescope roles "$file")")
    theirs+=("$(measure jq . "$file")")
  done
  rw=$(median 1 "${ours[@]}") rc=$(median 2 "${ours[@]}") rr=$(median 3 "${ours[@]}")
  jw=$(median 1 "${theirs[@]}") jc=$(median 2 "${theirs[@]}") jr=$(median 3 "${theirs[@]}")
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg) after $roles roles" >&2
  awk -v roles="$roles" -v bytes="$bytes" -v rw="$rw" -v rc="$rc" -v rr="$rr" \
      -v jw="$jw" -v jc="$jc" -v jr="$jr" 'BEGIN {
    printf "| %d | %.0f MB | %.2f s / %.2f s / %.0f MB | %.2f s / %.2f s / %.0f MB | %.1f× | %.1f× | %.2f |\n",
      roles, bytes / 1e6, rw, rc, rr / 1024, jw, jc, jr / 1024,
      (rw > 0 ? jw / rw : 0), (rc > 0 ? jc / rc : 0), rr * 1024 / bytes }'
done
