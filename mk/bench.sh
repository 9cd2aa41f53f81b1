#!/bin/sh
# bench.sh - make bench: lab 09's harness, built from the solutions, run
# over every mechanism.  Prints the Markdown table (each figure also as a
# ratio to the pipe and to memcpy); writes the CSV and the SVG chart to
# build/bench/.
set -eu
out=build/bench
lab=09-ipc-bench
make -s --no-print-directory -f mk/lab.mk SRC=solutions LAB=$lab \
	OUT=build/solutions/$lab CORE=build/core
mkdir -p "$out"
build/solutions/$lab/ipcbench --all --csv "$out/$lab.csv" --svg "$out/$lab.svg"
echo "CSV: $out/$lab.csv  chart: $out/$lab.svg"
