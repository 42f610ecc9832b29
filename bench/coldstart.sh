#!/usr/bin/env bash
# Cold start of the command line: the wall-clock time of whole bin/recur processes, for
# `recur --help` and for `recur predict` on a small model (H = 32, 20 steps), each with the
# class-data archive made at build time (cli/target/recur.jsa) and without it.
#
#   mvn -q package -DskipTests && bench/coldstart.sh [RUNS]      (RUNS: per case, default 20)
#
# The cases take turns within each round, so that a change in the machine's load falls on all
# of them alike; one round first is not counted (it fills the file cache). Prints the CPU, the
# JDK bin/recur picked, whether the archive was in use, and per case the median, min and max in
# milliseconds. Measure on a quiet machine: every figure is a JVM start.
set -euo pipefail

runs=${1:-20}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bench/coldstart.sh [RUNS]  (RUNS: a positive whole number, not '$runs')" >&2
  exit 2
fi
root=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
recur=$root/bin/recur
archive=$root/cli/target/recur.jsa
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Sets stamp to the time in seconds, to the microsecond (bash 5) or nanosecond (GNU date).
stamp_now() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then
    stamp=${EPOCHREALTIME/,/.}
  else
    stamp=$(date +%s.%N)
  fi
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1 || true)
[[ -n $cpu ]] || cpu=$(sysctl -n machdep.cpu.brand_string 2>/dev/null || echo unknown)
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')

# The small model and its input.
"$recur" train --task ADDING --steps 2 --hidden 32 --epochs 1 --no-progress \
  --out "$work/small.recur" > "$work/train.log" 2>&1 \
  || { cat "$work/train.log" >&2; exit 1; }
awk 'BEGIN { for (i = 0; i < 20; i++) printf "%.3f,%d\n", (i * 37 % 100) / 100, i % 7 == 3 }' \
  > "$work/steps.csv"

# The JDK bin/recur runs, and whether RecurCli came from the archive.
JDK_JAVA_OPTIONS="-XshowSettings:properties -Xlog:class+load=info:file=$work/classes.log" \
  "$recur" --version > /dev/null 2> "$work/settings.txt"
jdk_home=$(sed -n 's/^ *java\.home = //p' "$work/settings.txt")
jdk_version=$(sed -n 's/^ *java\.runtime\.version = //p' "$work/settings.txt")
if grep -q 'RecurCli source: shared objects file' "$work/classes.log"; then
  in_use="in use ($archive)"
else
  in_use="NOT in use: no $archive for this JDK; both cases below run without one"
fi

cases=("--help|with archive" "--help|without" "predict|with archive" "predict|without")

# Runs case $1 once; prints its milliseconds.
time_case() {
  local command=${1%|*} variant=${1#*|} start end stamp
  local -a args=(--help)
  [[ $command == predict ]] && args=(predict "$work/small.recur" --input "$work/steps.csv")
  stamp_now
  start=$stamp
  if [[ $variant == without ]]; then
    RECUR_CDS_ARCHIVE='' "$recur" "${args[@]}" > /dev/null 2>&1
  else
    "$recur" "${args[@]}" > /dev/null 2>&1
  fi
  stamp_now
  end=$stamp
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f\n", (e - s) * 1000 }'
}

for c in "${cases[@]}"; do
  time_case "$c" > /dev/null # the round not counted
done
for ((round = 0; round < runs; round++)); do
  for i in "${!cases[@]}"; do
    time_case "${cases[$i]}" >> "$work/case$i.ms"
  done
done

echo "cold start of bin/recur: $runs runs a case, whole process, wall clock"
echo "CPU: $cpu ($cores logical cores)"
echo "JDK: $jdk_version ($jdk_home)"
echo "class-data archive: $in_use"
printf '%-10s %-13s %9s %9s %9s\n' command archive 'median ms' 'min ms' 'max ms'
for i in "${!cases[@]}"; do
  sort -n "$work/case$i.ms" | awk -v name="${cases[$i]%|*}" -v variant="${cases[$i]#*|}" '
    { ms[NR] = $1 }
    END {
      median = NR % 2 ? ms[(NR + 1) / 2] : (ms[NR / 2] + ms[NR / 2 + 1]) / 2
      printf "%-10s %-13s %9.1f %9.1f %9.1f\n", name, variant, median, ms[1], ms[NR]
    }'
done
