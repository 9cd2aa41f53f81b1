#!/bin/sh
# vet-lab.sh - the lab's library as the suite links it: one object, vetted.
#
#   mk/vet-lab.sh symbols PARTS LIBGRADER.a
#       From trusted files only (make tools): PARTS/suite.o and the grader's
#       library.  Writes the symbol lists of PARTS/symbols/.
#   mk/vet-lab.sh check OUT.o PARTS SAN COMMON.o LAB-OBJECT...
#       Vets the lab's objects against those lists and links them into
#       OUT.o, the lab as the suite links it.
#
# The suite's runner shares its executable with the lab's code, but never
# runs it: the lab's code runs only inside test processes, when a test
# calls it.  So, in the objects of the lab:
#   - no code that runs by itself: constructors, destructors, IFUNC
#     resolvers, or any section the linker would treat specially (.interp,
#     .init_array, ...); only code, data, and notes and debug information;
#   - no call into the grader or into Check, and no function of its own
#     in place of a C library function the grader wraps to watch it
#     (lab 03's suite defines sigsuspend, to force a race).
# Then every symbol of the lab but those the suite calls (the lab's
# interface) is made local: a lab function named memcmp or srunner_free
# replaces nothing of the grader.  And the lab's calls of the functions a
# test can make fail (grader/core/faultcalls.h) go to the grader's hooks.
#
# Each refusal is one line "FILE: integrity: ..." on stderr, and exit 1.
set -eu
export LC_ALL=C
cc=${CC:-cc}

# The global symbols of an archive or object, and of a shared library.
defined() { nm -g --defined-only "$@" 2>/dev/null | awk 'NF >= 3 { print $3 }'; }
exported() {
	nm -D --defined-only "$@" 2>/dev/null | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }'
}
found() { path=$("$cc" -print-file-name="$1") && [ -f "$path" ] && echo "$path"; }

write_symbols() { # PARTS LIBGRADER.a
	lists=$1/symbols
	mkdir -p "$lists"
	# What the grader defines: the suite, the grader's library and Check.
	{
		defined "$1/suite.o" "$2"
		for lib in libcheck_pic.a libcheck.a; do
			path=$(found $lib) && defined "$path"
		done
	} | sort -u >"$lists/grader"
	# What the grader's side links besides: the C libraries.
	for lib in libc.so.6 libm.so.6 librt.so.1 libpthread.so.0 libsubunit.so.0; do
		path=$(found $lib) && exported "$path"
	done | sort -u >"$lists/libc"
	# The grader's own names, and the C library functions it wraps.
	comm -23 "$lists/grader" "$lists/libc" >"$lists/private"
	defined "$1/suite.o" "$2" | sort -u | comm -12 - "$lists/libc" >"$lists/wrapped"
	# The lab's interface: what the suite needs that the grader's side lacks
	# (names the linker makes, like _GLOBAL_OFFSET_TABLE_, are no lab's).
	nm -u "$1/suite.o" | awk '$2 ~ /^[A-Za-z][A-Za-z0-9_]*$/ { print $2 }' | sort -u |
		comm -23 - "$lists/grader" | comm -23 - "$lists/libc" >"$lists/interface"
	# The calls a test can make fail (grader/core/fault.h): the lab's
	# references to mmap, write, ... are renamed to grader_fault_mmap, ...
	defined "$2" | sed -n 's/^grader_fault_\(.*\)/\1 grader_fault_\1/p' | sort -u \
		>"$lists/faults"
}

# Section names a compiler makes for C code, data, notes and debug
# information (an awk regular expression; relocations are checked by the
# name of the section they apply to).
allowed='^\.(text|data|bss|rodata|tdata|tbss|gcc_except_table)(\..*)?$|^\.(comment|note\.GNU-stack|note\.gnu\.property|eh_frame|symtab|strtab|shstrtab|group|llvm_addrsig)$|^\.debug_'

# Prints "FILE.c: integrity: ..." for the first thing refused, or nothing.
vet() { # LISTS SAN OBJECT...
	lists=$1 san=$2
	shift 2
	{
		# readelf -t prints each section's name alone on its line, spaces and all.
		[ "$san" = 1 ] || readelf -tW "$@" | sed -n -e 's/^File: /file /p' \
			-e 's/^ *\[ *[0-9]*\] \(..*\)/section \1/p'
		# The symbol tables as the linker reads them (nm and ar would load
		# every linker plugin first, which costs more than the rest).
		readelf -sW "$@" | awk '
		/^File: / { file = $2; print "file", file }
		$1 !~ /^[0-9]+:$/ || NF < 8 { next }
		$4 == "IFUNC" { print "ifunc", $8 }
		$7 == "UND" { print "uses", file, $8; next }
		$5 == "GLOBAL" || $5 == "WEAK" || $5 == "UNIQUE" { print "defines", file, $8 }'
	} | awk -v private="$lists/private" -v wrapped="$lists/wrapped" -v allowed="$allowed" '
	BEGIN {
		while ((getline name < private) > 0) is_private[name] = 1
		while ((getline name < wrapped) > 0) is_wrapped[name] = 1
	}
	function refuse(file, why) {
		sub(/.*\//, "", file)
		sub(/\.o$/, ".c", file)
		print file ": integrity: " why
		exit
	}
	$1 == "file" { file = $2; next }
	$1 == "section" {
		name = substr($0, 9)
		base = name
		sub(/^\.rela?\./, ".", base)
		if (base !~ allowed)
			refuse(file, "section '\''" name "'\'' is not accepted: lab code may not run before main or after exit, or change how the suite is loaded")
	}
	$1 == "ifunc" { refuse(file, $2 " is an IFUNC: its resolver would run before main") }
	$1 == "uses" && ($3 in is_private) { refuse($2, "the lab'\''s code calls the grader'\''s own " $3) }
	$1 == "defines" && ($3 in is_wrapped) {
		refuse($2, "the lab'\''s code defines " $3 ", which the grader provides to watch it: give your function another name")
	}'
}

check() { # OUT.o PARTS SAN COMMON.o LAB-OBJECT...
	out=$1 lists=$2/symbols san=$3 common=$4
	shift 4
	# readelf names each file only when it is given more than one.
	refusal=$(vet "$lists" "$san" "$@" "$1")
	if [ -n "$refusal" ]; then
		echo "$refusal" >&2
		exit 1
	fi
	ld -r -o "$out.tmp" "$common" "$@"
	objcopy --keep-global-symbols="$lists/interface" \
		--redefine-syms="$lists/faults" "$out.tmp" "$out"
	rm -f "$out.tmp"
}

case ${1:-} in
symbols) shift; write_symbols "$@" ;;
check) shift; check "$@" ;;
*) echo "usage: vet-lab.sh symbols PARTS LIBGRADER.a | check OUT.o PARTS SAN COMMON.o OBJECT..." >&2; exit 2 ;;
esac
