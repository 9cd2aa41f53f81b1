#!/bin/bash
# todos.sh - every TODO a stub of labs/ holds says "TODO(lab NN §S)", and
# section S of handout NN exists and names the function or program the
# TODO stands in.  Prints one line a problem; exit 1 if there is any.
#
#   bash selftest/todos.sh [LABS-FOLDER [HANDOUTS-FOLDER]]
set -u
labs=${1:-labs} handouts=${2:-handouts}

problem() { echo "$1"; }

# The text of section S of a handout: from "## S." to the next "## ".
section_text() { # HANDOUT S
	awk -v s="$2" '/^## / { inside = ($2 == s ".") } inside' "$1"
}

check_all() {
for file in "$labs"/[0-9][0-9]-*/*.[ch]; do
	lab=$(basename "$(dirname "$file")")
	number=${lab%%-*}
	handout="$handouts/$lab.md"
	# "LINE<TAB>FUNCTION<TAB>TODO TEXT": the function is the last one
	# defined above the TODO (a line starting with a name and "(").
	awk '
		BEGIN { function_name = "-" }
		/^[A-Za-z_][A-Za-z0-9_ \t\*]*[ \t\*][A-Za-z_][A-Za-z0-9_]*\(/ {
			name = $0
			sub(/\(.*/, "", name)
			sub(/.*[ \t\*]/, "", name)
			function_name = name
		}
		/TODO/ { print FNR "\t" function_name "\t" $0 }
	' "$file" | while IFS=$'\t' read -r line function text; do
		where="$file:$line"
		if ! [[ $text =~ TODO\(lab\ ([0-9][0-9])\ §([0-9]+)\) ]]; then
			problem "$where: a TODO without \"TODO(lab $number §S)\""
			continue
		fi
		if [ "${BASH_REMATCH[1]}" != "$number" ]; then
			problem "$where: TODO names lab ${BASH_REMATCH[1]}, in lab $number"
			continue
		fi
		s=${BASH_REMATCH[2]}
		body=$(section_text "$handout" "$s")
		if [ -z "$body" ]; then
			problem "$where: handout $number has no section §$s"
			continue
		fi
		# A program's main stands for the program, named after its file.
		[ "$function" = main ] && function=$(basename "$file" .c)
		if [ "$function" != - ] && ! grep -qw -- "$function" <<<"$body"; then
			problem "$where: §$s of handout $number never mentions $function"
		fi
	done
done
}

# Each problem is a line (from a subshell, which cannot set a status).
problems=$(check_all)
[ -z "$problems" ] && exit 0
printf '%s\n' "$problems"
exit 1
