#!/bin/sh
# deps.sh - makes sure what the workbook needs is installed.
#
#   mk/deps.sh grade    what building and grading needs
#   mk/deps.sh test     that, plus what the self-test needs
#
# Missing Debian packages are installed with apt-get (through sudo when not
# root).  Without apt-get it stops with one line naming what to install.
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
if [ "$purpose" = test ]; then
	want clang have clang
	want pandoc have pandoc
fi
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
echo "ipclab: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2 || true
# shellcheck disable=SC2086
if ! $sudo apt-get install -y -qq --no-install-recommends $missing >&2; then
	echo "ipclab: could not install$missing; install them by hand: apt-get install$missing" >&2
	exit 1
fi
