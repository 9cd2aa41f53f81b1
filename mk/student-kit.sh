#!/bin/bash
# student-kit.sh - the workbook as a course hands it to students.
#
#   mk/student-kit.sh [DIR]      (make student-kit [KIT=DIR])
#
# Writes DIR (default build/student-kit) and DIR.tar.gz: labs/, handouts/,
# diagrams/, common/, the grader and its build, the README with a note on
# top, and GitHub Classroom's workflow (.github/workflows/classroom.yml).
# Never solutions/, the hidden items (grader/hidden/), the self-test or
# the CI: the stubs grade to 0 and a correct lab to its visible points with
# nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
kit=${1:-build/student-kit}
case $kit in
'' | / | . | ..) echo "student-kit: refusing to write the kit to '$kit'" >&2; exit 2 ;;
esac
rm -rf -- "$kit"
mkdir -p -- "$kit"
for path in .gitignore Makefile common diagrams grader handouts labs mk tools; do
	cp -R -- "$path" "$kit/"
done
rm -f -- "$kit/tools/mkstubs"	# it writes labs/ from solutions/
rm -rf -- "$kit/grader/hidden"	# the hidden items stay with the instructors
# The kit is a GitHub Classroom template repository as it stands.
mkdir -p -- "$kit/.github/workflows"
cp -- mk/github-classroom.yml "$kit/.github/workflows/classroom.yml"
{
	printf '> **Student edition.** The reference solutions, the self-test and the\n'
	printf '> instructors'"'"' targets (`make test`, `make stubs`, `make mutants`) are not\n'
	printf '> part of it: `make grade`, `make watch`, `make debug` and the handouts are.\n\n'
	cat README.md
} >"$kit/README.md"
tar -C "$(dirname -- "$kit")" -czf "$kit.tar.gz" -- "$(basename -- "$kit")"
echo "student-kit: $kit/ and $kit.tar.gz"
