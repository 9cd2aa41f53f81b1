#!/bin/bash
# run-diagrams.sh - the handouts' process pictures, drawn from real runs of
# the solutions, by the code that draws a failing test's processes.
#
#   mk/run-diagrams.sh [OUTDIR]        (default: diagrams/; make run-diagrams)
#
# Each picture runs a solution's program with the stopat shim, which stops
# the program's children at their first call of a chosen function;
# procsnap waits until the tree has settled (those children stopped, the
# others asleep) and prints its snapshot; ipcgrade --draw makes a graph of
# it that is the same on every run (no pids, pipes numbered).  make test
# runs this again and checks that the committed .dot files are still what
# the solutions do; make diagrams renders them, like every diagram.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${1:-diagrams}
WORK=$(mktemp -d /tmp/ipclab-run-diagrams-XXXXXX)
pid=
# Lab 08's ring: a fixed name, so that every run draws the same picture.
RING=/ipclab-run-diagram-ring
cleanup() {
	if [ -n "$pid" ]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
	if [ -x "$WORK/08-shm-ring/ringctl" ]; then
		"$WORK/08-shm-ring/ringctl" remove "$RING" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"
make -s --no-print-directory tools build/procsnap
for lab in 03-devzero-counter 07-pipes 08-shm-ring 09-ipc-bench; do
	make -s --no-print-directory -f mk/lab.mk SRC=solutions LAB="$lab" OUT="$WORK/$lab" \
		CORE=build/core >/dev/null
done

# picture NAME STOPAT STOPPED TITLE WHO PROGRAM...: PROGRAM run in an
# empty folder with its children stopped at STOPAT (STOPPED of them),
# drawn; WHO names its processes in the order they are made, separated by
# "|" (empty: procsnap's names).
picture() {
	local name=$1 at=$2 stopped=$3 title=$4 who=()
	[ -z "$5" ] || IFS='|' read -r -a who <<<"$5"
	shift 5
	mkdir -p "$WORK/in-$name"
	(cd "$WORK/in-$name" && exec setsid env LD_PRELOAD="$ROOT/build/core/shims/stopat.so" \
		STOPAT="$at" "$@" </dev/null >/dev/null 2>&1) &
	pid=$!
	if ! build/procsnap "$stopped" "$pid" ${who[@]+"${who[@]}"} >"$WORK/$name.snapshot"; then
		echo "run-diagrams: $name: the run never reached the moment to draw" >&2
		exit 1
	fi
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
	build/ipcgrade --draw "$WORK/$name.snapshot" --title "$title" >"$OUT/$name.dot"
}

picture 03-run-pipes-after-fork close 1 \
	"devzero -p -n 5, a run of the solution: the child stopped at its first close, just after fork" \
	"" "$WORK/03-devzero-counter/devzero" -p -n 5
picture 03-run-pipes-each-side read 1 \
	"devzero -p -n 5, a run of the solution: the child stopped at its first read, in WAIT_PARENT" \
	"" "$WORK/03-devzero-counter/devzero" -p -n 5
picture 07-run-before-dup2 dup2 2 \
	"lswc (ls | wc -l), a run of the solution: the children stopped at their first dup2" \
	"" "$WORK/07-pipes/lswc"
picture 07-run-after-dup2 execvp 2 \
	"lswc (ls | wc -l), a run of the solution: the children stopped just before execvp" \
	"" "$WORK/07-pipes/lswc"
# Lab 08's programs between unrelated processes, each asleep on a semaphore
# in the ring's memory: consumers on an empty ring; a producer on a full
# one, and yes, which feeds it, on a full pipe.
ring=$WORK/08-shm-ring
"$ring/ringctl" remove "$RING" 2>/dev/null || true
"$ring/ringctl" create "$RING" 4 16
picture 08-run-ring-empty none 0 \
	"ringget twice on an empty ring, a run of the solution: both asleep in sem_wait" \
	"the shell|consumer 1|consumer 2" sh -c "$ring/ringget $RING & $ring/ringget $RING; wait"
picture 08-run-ring-full none 0 \
	"yes | ringput -k on a ring of 4 slots, a run of the solution: the ring full, the pipe full" \
	"the shell|yes|the producer" sh -c "yes | $ring/ringput -k $RING"
"$ring/ringctl" remove "$RING"

# ipcbench's pipe kernel: side A forks side B, each attaches (closes the
# peer's ends), then they take turns; the bench itself waits for side A.
bench=("$WORK/09-ipc-bench/ipcbench" --mech pipe --quick --sizes 64 --timeout 30)
picture 09-run-pipe-attach close 2 \
	"ipcbench --mech pipe, a run of the solution: both sides stopped at their first close, in attach" \
	"the bench|side A|side B" "${bench[@]}"
picture 09-run-pipe-turns read 2 \
	"ipcbench --mech pipe, a run of the solution: both sides stopped at their first read, attached" \
	"the bench|side A|side B" "${bench[@]}"
