#!/bin/bash
# bench-batch.sh - how many submissions of a class batch mode grades a minute.
#
#   mk/bench-batch.sh            (BENCH_RUNS=N runs, default 3; BENCH_JOBS="1 2")
#
# A class of twelve, as a learning platform exports it: complete
# submissions (a folder, a zip of a repository, a tarball two folders
# deep, a name with spaces, quotes and non-ASCII letters), submissions
# with a lab that hangs, one that does not compile, stubs left untouched,
# three labs only, half done, and an empty folder.  Each run grades the
# whole class from nothing (no build kept), with --jobs N for each N of
# BENCH_JOBS; the figure is the median wall time, as submissions a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-3}
JOBS_LIST=${BENCH_JOBS:-"1 $(nproc)"}
case $RUNS in '' | *[!0-9]* | 0) echo "bench-batch: BENCH_RUNS must be a whole number > 0" >&2; exit 2 ;; esac
WORK=$(mktemp -d /tmp/ipclab-bench-batch-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
class="$WORK/class"
mkdir -p "$class"

# solutions_but DEST LAB VARIANT: every solution, one lab with a buggy variant.
solutions_but() {
	mkdir -p "$1"
	cp -R solutions/[0-9][0-9]-* "$1/"
	patch -s -p1 -d "$1/$2" <"selftest/buggy/$2/$3.patch"
}
cp -R solutions "$class/alice"
mkdir -p "$WORK/bob/bob-main/labs" "$WORK/carol/x/carol-main/labs"
cp -R solutions/[0-9][0-9]-* "$WORK/bob/bob-main/labs/"
(cd "$WORK/bob" && bsdtar --format zip -cf "$class/bob.zip" bob-main)
cp -R solutions/[0-9][0-9]-* "$WORK/carol/x/carol-main/labs/"
tar -C "$WORK/carol" -czf "$class/carol.tar.gz" x
cp -R solutions "$class/Dana O'Neil (Müller)"
solutions_but "$class/erin" 03-devzero-counter pipe-never-writes
solutions_but "$class/frank" 07-pipes commands-parent-keeps-write-end
solutions_but "$class/gina" 08-shm-ring no-lock
cp -R solutions "$class/hank"
for c in "$class"/hank/05-*/*.c; do echo 'this is not C' >>"$c"; break; done
cp -R labs "$class/ivan"
mkdir -p "$class/judy"
cp -R solutions/01-* solutions/02-* solutions/03-* "$class/judy/"
mkdir -p "$class/kim"
cp -R solutions/0[1-4]-* labs/0[5-9]-* "$class/kim/"
mkdir -p "$class/leo"
entries=$(ls "$class" | wc -l)

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "# Batch benchmark: a class of $entries, median of $RUNS runs, $(nproc) CPUs, $(date -u +%Y-%m-%d)"
echo
echo "| --jobs | class graded in (s) | submissions a minute | goal | |"
echo "| ---: | ---: | ---: | ---: | --- |"
for jobs in $JOBS_LIST; do
	t=$(for run in $(seq "$RUNS"); do
		rm -rf "$WORK/build" "$WORK/out"
		t0=$EPOCHREALTIME
		build/ipcgrade --root "$ROOT" --src "$class" --build "$WORK/build" --core build/core \
			--batch "$class" --out "$WORK/out" --jobs "$jobs" >"$WORK/batch.out" 2>"$WORK/batch.err" ||
			{ echo "bench-batch: the batch failed:" >&2; tail -3 "$WORK/batch.err" >&2; exit 1; }
		awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }'
	done | median)
	rate=$(awk -v n="$entries" -v t="$t" 'BEGIN { printf "%.1f", n * 60 / t }')
	echo "| $jobs | $t | $rate | 15 | $(awk -v r="$rate" 'BEGIN { print (r >= 15) ? "met" : "NOT met" }') |"
done
echo
echo "Scores of the last run:"
sed -n '1,/^class summary/p' "$WORK/batch.out" | grep -v '^class summary' | sed 's/^/    /'
