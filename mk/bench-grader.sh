#!/bin/bash
# bench-grader.sh - how fast the grader answers, against the goals.
#
#   mk/bench-grader.sh            (BENCH_RUNS=N runs per figure, default 5)
#
# Every figure is the median of its runs, measured here and now; the
# machine may be shared, so compare figures of one run with each other.
#   edit -> verdict   one file of the solution changed (a comment added:
#                     the build goes by content), then the lab graded: the
#                     rebuild of that file and the grading
#   stub              the generated stub of the lab, graded
#   hang              one item of a known-buggy variant that hangs: the
#                     time until its verdict, with the autopsy
#   all               make grade of all nine labs, solutions and stubs
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-5}
case $RUNS in '' | *[!0-9]* | 0) echo "bench-grader: BENCH_RUNS must be a whole number > 0" >&2; exit 2 ;; esac
WORK=$(mktemp -d /tmp/ipclab-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
DRIVER=(build/ipcgrade --root "$ROOT" --build "$WORK/build" --core build/core --format tsv)

# The hanging items: a variant, the item that hangs in it.
HANGS=("03-devzero-counter pipe-never-writes pipes_alternate_strictly"
	"07-pipes commands-parent-keeps-write-end pipe_commands_connects")

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# seconds COMMAND...: the wall time of one run, its output dropped.
seconds() {
	local t0=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 || true
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }'
}
# timed N COMMAND...: the median of N runs.
timed() {
	local n=$1
	shift
	for _ in $(seq "$n"); do seconds "$@"; done | median
}
verdict() { awk -v f="$1" -v goal="$2" 'BEGIN { print (f <= goal) ? "met" : "NOT met" }'; }

cp -R solutions "$WORK/solutions"
cp -R labs "$WORK/labs"
mkdir -p "$WORK/hang"
echo "# Grader benchmark: median of $RUNS runs, $(nproc) CPUs, $(date -u +%Y-%m-%d)"
echo
echo "| lab | edit -> verdict, solution (s) | stub (s) |"
echo "| --- | ---: | ---: |"
worst_edit=0 worst_stub=0
for lab_dir in solutions/[0-9][0-9]-*/; do
	lab=$(basename "$lab_dir")
	first=$(ls "$WORK/solutions/$lab"/*.c | head -1)
	# Built once, so that each run below rebuilds one file, as an edit does.
	"${DRIVER[@]}" --src "$WORK/solutions" --lab "$lab" >/dev/null 2>&1 || true
	edit=$(for run in $(seq "$RUNS"); do
		echo "/* edit $run */" >>"$first"
		seconds "${DRIVER[@]}" --src "$WORK/solutions" --lab "$lab"
	done | median)
	stub=$(timed "$RUNS" "${DRIVER[@]}" --src "$WORK/labs" --lab "$lab")
	echo "| $lab | $edit | $stub |"
	worst_edit=$(awk -v a="$worst_edit" -v b="$edit" 'BEGIN { print (b > a) ? b : a }')
	worst_stub=$(awk -v a="$worst_stub" -v b="$stub" 'BEGIN { print (b > a) ? b : a }')
done
echo
echo "| hanging item | verdict and autopsy (s) |"
echo "| --- | ---: |"
worst_hang=0
for hang in "${HANGS[@]}"; do
	read -r lab variant item <<<"$hang"
	tree="$WORK/hang/$variant"
	mkdir -p "$tree"
	cp -R "solutions/$lab" "$tree/"
	patch -s -p1 -d "$tree/$lab" <"selftest/buggy/$lab/$variant.patch"
	"${DRIVER[@]}" --src "$tree" --lab "$lab" --test "$item" >/dev/null 2>&1 || true
	t=$(timed "$RUNS" "${DRIVER[@]}" --src "$tree" --lab "$lab" --test "$item")
	echo "| $lab/$variant: $item | $t |"
	worst_hang=$(awk -v a="$worst_hang" -v b="$t" 'BEGIN { print (b > a) ? b : a }')
done
all_solutions=$(timed "$RUNS" "${DRIVER[@]}" --src "$WORK/solutions")
all_stubs=$(timed "$RUNS" "${DRIVER[@]}" --src "$WORK/labs")
echo
echo "| figure | measured (s) | goal (s) | |"
echo "| --- | ---: | ---: | --- |"
echo "| edit -> verdict, solution, slowest lab | $worst_edit | 1.0 | $(verdict "$worst_edit" 1.0) |"
echo "| an item that deadlocks, slowest | $worst_hang | 3.0 | $(verdict "$worst_hang" 3.0) |"
echo "| all nine labs, solutions | $all_solutions | 6.0 | $(verdict "$all_solutions" 6.0) |"
echo "| all nine labs, stubs | $all_stubs | 2.0 | $(verdict "$all_stubs" 2.0) |"
echo "| make test, fresh clone | (bash .ci/run on a clean clone) | 300 | |"
