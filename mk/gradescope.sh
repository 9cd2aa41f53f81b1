#!/bin/bash
# gradescope.sh - the Gradescope autograder package: build/autograder.zip.
#
#   mk/gradescope.sh            (make gradescope)
#
# The zip holds the grader and the lab stubs (never solutions/ or the
# self-test: student code runs beside them), and at its top the two
# scripts Gradescope runs:
#   setup.sh        once, as root, in /autograder/source: the Debian
#                   packages, then the grader's build
#   run_autograder  for each submission: grades /autograder/submission
#                   into /autograder/results/results.json
# AUTOGRADER_ROOT (default /autograder) moves both, so that the package can
# be tried in a scratch folder as Gradescope would run it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/autograder.zip
stage=$(mktemp -d /tmp/ipclab-gradescope-XXXXXX)
trap 'rm -rf "$stage"' EXIT

for path in Makefile README.md common grader labs mk tools; do
	cp -R "$path" "$stage/"
done

cat >"$stage/setup.sh" <<'SETUP'
#!/bin/sh
# Run once by Gradescope, as root: what the grader needs, then the grader.
set -eu
cd "$(dirname "$0")"
sh mk/deps.sh grade
make -s --no-print-directory tools
SETUP

cat >"$stage/run_autograder" <<'RUN'
#!/bin/sh
# Run by Gradescope for each submission: the grade in results/results.json.
# A failure of the grader itself leaves no results.json, so that Gradescope
# reports the autograder as failed instead of giving the student a zero.
set -u
root=${AUTOGRADER_ROOT:-/autograder}
results=$root/results
cd "$root/source" || exit 1
mkdir -p "$results" || exit 1
if ./build/ipcgrade --root . --src "$root/submission" --build build --core build/core \
	--format gradescope >"$results/results.json.part" 2>"$results/grader.log"; then
	mv "$results/results.json.part" "$results/results.json"
else
	rc=$?
	rm -f "$results/results.json.part"
	echo "ipclab: the grader failed (exit $rc); no grade was given. Its messages:"
	cat "$results/grader.log"
	exit 1
fi
RUN
chmod 755 "$stage/setup.sh" "$stage/run_autograder"

mkdir -p build
rm -f "$out"
(cd "$stage" && bsdtar --format zip -cf - -- *) >"$out.part"
mv "$out.part" "$out"
echo "gradescope: $out (upload it as the autograder; setup.sh and run_autograder inside)"
