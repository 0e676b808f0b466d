#!/usr/bin/env bash
# Loading a real-shaped account export, side by side with `jq .` on the same file: wall
# time, CPU time (user + system) and peak RSS, each the median of RUNS runs.
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
# The median of each column over $runs runs.
median() {
  local i rows=() col out=()
  for ((i = 0; i < runs; i++)); do rows+=("$(measure "$@")"); done
  for col in 1 2 3; do
    out+=("$(printf '%s\n' "${rows[@]}" | cut -d' ' -f"$col" | sort -n | sed -n "$(((runs + 1) / 2))p")")
  done
  echo "${out[*]}"
}

printf '| roles | file | rolescope wall / CPU / RSS | jq . wall / CPU / RSS | wall ratio | CPU ratio | RSS ÷ file |\n'
printf '| ---: | ---: | --- | --- | ---: | ---: | ---: |\n'
for roles in "${sizes[@]}"; do
  file="$dir/real-$roles.json"
  [ -s "$file" ] || target/release/examples/gen_org --profile realistic --roles "$roles" --out "$file" 2>/dev/null
  bytes=$(stat -c %s "$file")
  read -r rw rc rr < <(median target/release/rolescope roles "$file")
  read -r jw jc jr < <(median jq . "$file")
  awk -v roles="$roles" -v bytes="$bytes" -v rw="$rw" -v rc="$rc" -v rr="$rr" \
      -v jw="$jw" -v jc="$jc" -v jr="$jr" 'BEGIN {
    printf "| %d | %.0f MB | %.2f s / %.2f s / %.0f MB | %.2f s / %.2f s / %.0f MB | %.1f× | %.1f× | %.2f |\n",
      roles, bytes / 1e6, rw, rc, rr / 1024, jw, jc, jr / 1024,
      (rw > 0 ? jw / rw : 0), (rc > 0 ? jc / rc : 0), rr * 1024 / bytes }'
done
