#!/bin/sh
# watch.sh - grades one lab again each time one of its files is saved.
#
#   mk/watch.sh LAB SRC GRADE-COMMAND...
#
# Clears the screen (on a terminal), shows the lab's score card, then
# waits with inotifywait for a .c or .h file of SRC/NN-name/ to be written,
# created, moved in or removed.  Ctrl-C leaves.
set -u
lab=${1:?usage: mk/watch.sh LAB SRC GRADE-COMMAND...}
src=${2:?usage: mk/watch.sh LAB SRC GRADE-COMMAND...}
shift 2

folder=""
for d in "$src"/"$lab"-* "$src"/"$lab"; do
	[ -d "$d" ] && { folder=$d; break; }
done
if [ -z "$folder" ]; then
	echo "watch: no folder for lab '$lab' in $src (LAB=NN, e.g. LAB=03)" >&2
	exit 2
fi
trap 'echo; echo "watch: stopped"; exit 0' INT TERM
while :; do
	[ -t 1 ] && printf '\033[H\033[2J'
	"$@"
	echo "watch: grading $folder again when one of its .c or .h files is saved (Ctrl-C leaves)"
	# Editors save in bursts (a temporary file, a rename): one event is
	# enough, the rest of the burst is let by.
	inotifywait -q -q -e close_write -e moved_to -e create -e delete \
		--include '\.[ch]$' "$folder"
	status=$?
	[ "$status" -eq 0 ] || { echo "watch: inotifywait failed (status $status)" >&2; exit 1; }
	sleep 0.2
done
