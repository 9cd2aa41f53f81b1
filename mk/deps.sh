#!/bin/sh
# deps.sh - makes sure what the workbook needs is installed.
#
#   mk/deps.sh grade    what building and grading needs
#   mk/deps.sh watch    that, plus inotifywait for make watch
#   mk/deps.sh TOOL     that, plus gdb or strace for make debug
#   mk/deps.sh gradescope   that, plus bsdtar to write the package
#   mk/deps.sh bear     that, plus bear for make compile_commands.json
#   mk/deps.sh test     all of that, plus what the self-test needs
#
# Missing Debian packages are installed with apt-get (through sudo when not
# root), one line per step; apt-get's own output goes to build/install.log,
# and its end is shown when the install fails.  Without apt-get it stops
# with one line naming what to install.
set -eu
purpose=${1:-grade}

missing=""
want() { # want PACKAGE TEST...
	pkg=$1
	shift
	if ! "$@" >/dev/null 2>&1; then
		case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
	fi
}
have() { command -v "$1"; }

want build-essential have cc
want build-essential have make
want pkg-config have pkg-config
want check pkg-config --exists check
want graphviz have dot
want bubblewrap have bwrap
want patch have patch
case $purpose in
watch) want inotify-tools have inotifywait ;;
gdb | strace) want "$purpose" have "$purpose" ;;
gradescope) want libarchive-tools have bsdtar ;;
bear) want bear have bear ;;
test)
	want clang have clang
	want pandoc have pandoc
	want inotify-tools have inotifywait
	want libarchive-tools have bsdtar
	want parallel have parallel
	;;
esac
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ipclab: missing packages:$missing (Debian names; install your system's equivalents)" >&2
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
	[ -t 0 ] || sudo="sudo -n"
else
	echo "ipclab: missing packages:$missing; install them as root: apt-get install$missing" >&2
	exit 1
fi
log=build/install.log
mkdir -p build
echo "ipclab: installing$missing (apt-get's output: $log)" >&2
export DEBIAN_FRONTEND=noninteractive
echo "ipclab: apt-get update" >&2
$sudo apt-get update >"$log" 2>&1 ||
	echo "ipclab: apt-get update failed; installing from the package lists as they are" >&2
echo "ipclab: apt-get install$missing" >&2
# shellcheck disable=SC2086
if ! $sudo apt-get install -y --no-install-recommends $missing >>"$log" 2>&1; then
	tail -n 15 "$log" >&2
	echo "ipclab: could not install$missing (the whole log: $log); install them by hand: apt-get install$missing" >&2
	exit 1
fi
echo "ipclab: installed$missing" >&2
