# selftest/leftovers.sh - what the self-test's "Nothing left behind" counts,
# sourced by selftest/run: the System V objects, /dev/shm entries,
# /tmp/ipclab-* run folders and processes that the self-test's own runs
# made, and nothing of anyone else's.
#
# Where can a run leave anything at all?  Student code runs under
# bubblewrap, with IPC and PID namespaces and a /dev/shm and /tmp of its
# own that vanish with the sandbox.  What reaches the machine is what runs
# outside one: the driver and its run folder in /tmp, every
# GRADER_SANDBOX=none run (student code, as nobody, in the machine's IPC
# namespace, /dev/shm and /tmp), lab 09's ipcbench that the self-test runs
# itself, and any sandbox that failed to confine.  The check must see all
# of that while other graders, self-tests and programs on the same machine,
# often as the same users (root, nobody), make and remove their own.
#
# The rule, as root (CI, a batch host, a maintainer with sudo): the
# self-test runs in IPC, PID and mount namespaces of its own, with a fresh
# tmpfs on /dev/shm and a fresh folder on /tmp; everything in them is its
# own, and everything its runs make lands there.  A System V object lives
# in its creator's IPC namespace, which only a privileged process could
# leave; a process cannot leave its PID namespace, and the self-test is
# that namespace's init, so a leaked orphan is reparented to it, never out
# of sight; the runs see /dev/shm and /tmp only through this mount
# namespace.  So nothing is filtered out: any object or process of any
# user in there at the end, that was not there at the start, is a leak.
# Creator pids and uids could not do this: /proc/sysvipc keeps a creator
# pid for segments only (none for semaphore sets and queues), a pid means
# nothing once its process is gone and may be reused, and other graders run
# as root and nobody too.
#
# Otherwise (an ordinary user, a system that refuses the namespaces, or
# SELFTEST_SCOPE=tree): an object counts when a user the runs use created
# or owns it (this user; as root also nobody or GRADER_USER, and the hostile
# runs' ipclab-tester), it was made (its ctime) at or after the self-test's
# start, and it was not there at the start.  A process counts when it
# descends from the self-test, which runs as a child subreaper
# (selftest/reaper.c): an orphan comes back to it rather than to init, so
# a leaked process cannot fall out of its tree, and nobody else's can join
# it.  What this cannot tell apart: another grader run by one of those
# users during the self-test that still holds an object at its end.
#
# A self-check (leftovers_selfcheck) leaves one of each kind as a run
# would, and has an unrelated process make the same outside the scope: the
# check must report each of the first, and none of the second.

LEFTOVERS_TESTER=ipclab-tester # selftest/hostile/run's ordinary user

# The user that runs student code: nobody (or GRADER_USER) for root.
leftovers_run_user() {
	if [ "$(id -u)" -eq 0 ]; then echo "${GRADER_USER:-nobody}"; else id -un; fi
}

# RUN_AS: the command prefix that runs a command as that user.
leftovers_run_as() {
	local who
	RUN_AS=()
	if [ "$(id -u)" -eq 0 ]; then
		who=$(leftovers_run_user)
		RUN_AS=(setpriv --reuid="$(id -u "$who")" --regid="$(id -g "$who")" --clear-groups)
	fi
}

# An unrelated process, started before the self-test and not by it: a
# sleep of the runs' user in a session of its own, orphaned at once, that
# holds none of the self-test's descriptors.  Prints its pid.
leftovers_unrelated_process() {
	(
		for fd in "/proc/$BASHPID/fd/"*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
		done
		leftovers_run_as
		${RUN_AS[@]+"${RUN_AS[@]}"} setsid sh -c 'echo $$; exec sleep 20 >/dev/null 2>&1' \
			</dev/null 2>/dev/null &
	)
}

# leftovers_keep_workbook ROOT TMP: a workbook under /tmp (a clone in a
# temporary folder) stays at its path once TMP is mounted on /tmp: it is
# bound at the same place inside TMP first.  The bind lives only in the
# self-test's mount namespace; outside, TMP holds empty folders.
leftovers_keep_workbook() {
	local root=$1 tmp=$2
	case $root in
	/tmp/?*) mkdir -p "$tmp/${root#/tmp/}" && mount --bind "$root" "$tmp/${root#/tmp/}" ;;
	esac
}

# leftovers_scope SCRIPT ARGS...: runs SCRIPT (the self-test) again inside
# its scope (see above) with ARGS, and exits with its status; returns once
# inside.
leftovers_scope() {
	local script=$1 want=${SELFTEST_SCOPE:-auto} unrelated host_tmp reaper
	shift
	case ${IPCLAB_SELFTEST_INSIDE:-} in
	namespaces | tree)
		LEFTOVER_SCOPE=$IPCLAB_SELFTEST_INSIDE
		LEFTOVERS_UNRELATED=${IPCLAB_SELFTEST_UNRELATED:-}
		unset IPCLAB_SELFTEST_INSIDE IPCLAB_SELFTEST_UNRELATED
		if [ "$LEFTOVER_SCOPE" = namespaces ]; then
			if ! mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm ||
				! leftovers_keep_workbook "$ROOT" "$IPCLAB_SELFTEST_TMP" ||
				! mount --rbind "$IPCLAB_SELFTEST_TMP" /tmp; then
				echo "selftest: cannot give the self-test a /dev/shm and /tmp of its own" >&2
				exit 2
			fi
			unset IPCLAB_SELFTEST_TMP
			# The init of a PID namespace ignores the signals it has no handler for.
			trap 'exit 129' HUP
			trap 'exit 130' INT
			trap 'exit 143' TERM
		fi
		LEFTOVERS_SINCE=$(date +%s)
		leftovers_run_as
		leftovers_users
		return
		;;
	esac
	case $want in
	auto | namespaces | tree) ;;
	*)
		echo "selftest: SELFTEST_SCOPE must be auto, namespaces or tree, not '$want'" >&2
		exit 2
		;;
	esac
	unrelated=$(leftovers_unrelated_process)
	if [ "$want" != tree ] && [ "$(id -u)" -eq 0 ] &&
		unshare --ipc --pid --mount --fork --mount-proc --propagation private \
			sh -c 'mount -t tmpfs tmpfs /dev/shm' >/dev/null 2>&1; then
		host_tmp=$(mktemp -d /tmp/ipclab-selftest.XXXXXX) || exit 2
		trap 'rm -rf "$host_tmp"' EXIT
		chmod 1777 "$host_tmp"
		# 61 and 62: the machine's IPC and mount namespaces, for the
		# self-check's unrelated objects; closed after it.
		IPCLAB_SELFTEST_INSIDE=namespaces IPCLAB_SELFTEST_TMP=$host_tmp \
			IPCLAB_SELFTEST_UNRELATED=$unrelated \
			unshare --ipc --pid --mount --fork --mount-proc --propagation private --kill-child \
			bash "$script" "$@" 61</proc/self/ns/ipc 62</proc/self/ns/mnt
		exit
	fi
	if [ "$want" = namespaces ]; then
		echo "selftest: cannot run in namespaces of its own (needs root and unshare)" >&2
		exit 2
	fi
	reaper=build/selftest/reaper
	if [ ! -x "$reaper" ] || [ selftest/reaper.c -nt "$reaper" ]; then
		if ! mkdir -p build/selftest ||
			! ${CC:-cc} -std=c11 -Wall -Wextra -Werror -O2 -o "$reaper" selftest/reaper.c; then
			echo "selftest: cannot build $reaper" >&2
			exit 2
		fi
	fi
	IPCLAB_SELFTEST_INSIDE=tree IPCLAB_SELFTEST_UNRELATED=$unrelated \
		exec "$reaper" bash "$script" "$@"
}

# LEFTOVERS_UIDS, " UID UID ... ": the users whose objects count outside
# namespaces of its own: this one, and as root the runs' users (the hostile
# runs' tester may be created during the run).
leftovers_users() {
	local uid
	[ -n "${LEFTOVERS_ALL_USERS:-}" ] && return
	LEFTOVERS_UIDS=" $UID "
	if [ "$UID" -ne 0 ]; then
		LEFTOVERS_ALL_USERS=1
		return
	fi
	LEFTOVERS_UIDS+="$(id -u "$(leftovers_run_user)" 2>/dev/null) "
	if uid=$(id -u "$LEFTOVERS_TESTER" 2>/dev/null); then
		LEFTOVERS_UIDS+="$uid "
		LEFTOVERS_ALL_USERS=1
	fi
}

# snapshot: every System V object, /dev/shm entry and /tmp/ipclab-* folder
# (but this self-test's $WORK), one a line: "KIND UID CREATOR-UID CTIME
# NAME", KIND one of shm, sem, msg (NAME its id), devshm, tmp.
snapshot() {
	{
		awk 'FNR == 1 { kind = substr(FILENAME, 15) } # see proc(5), /proc/sysvipc
			FNR > 1 && kind == "sem" { print kind, $5, $7, $10, $2 }
			FNR > 1 && kind != "sem" { print kind, $8, $10, $14, $2 }' \
			/proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg
		find /dev/shm /tmp -mindepth 1 -maxdepth 1 \( -path '/dev/shm/*' -printf 'devshm %U %U %C@ %f\n' \) \
			-o \( -name 'ipclab-*' ! -path "$WORK" -printf 'tmp %U %U %C@ %p\n' \)
	} 2>/dev/null
}

# new_objects BEFORE AFTER: the objects of snapshot AFTER that snapshot
# BEFORE lacks and that are in scope, one a line: "shm ID", "sem ID",
# "msg ID", "devshm NAME" or "tmp PATH".
new_objects() {
	local all=0
	[ "$LEFTOVER_SCOPE" = namespaces ] && all=1
	leftovers_users
	awk -v all=$all -v uids="$LEFTOVERS_UIDS" -v since="$LEFTOVERS_SINCE" '
		{
			name = $0
			sub(/^[^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", name)
		}
		FNR == NR { seen[$1 " " name]; next }
		!($1 " " name in seen) &&
		(all || ((index(uids, " " $2 " ") || index(uids, " " $3 " ")) && $4 >= since)) {
			print $1, name
		}' /dev/fd/3 - 3<<<"$1" <<<"$2" | sort
}

# processes: the processes that descend from the self-test, running or
# zombie, one a line: "PID STAT COMMAND (parent PPID)".  Not counted: the
# self-test's own shells (this script, selftest/hostile/run and their
# subshells, which may linger as zombies for a moment; the grader starts no
# bash) and this listing.
processes() {
	local me=$BASHPID
	ps -e -o pid=,ppid=,stat=,comm= | awk -v top=$$ -v me="$me" '
		{
			parent[$1] = $2
			stat[$1] = $3
			name = $0
			sub(/^ *[^ ]+ +[^ ]+ +[^ ]+ +/, "", name)
			comm[$1] = name
		}
		END {
			for (p in parent) {
				if (p == top || p == me || parent[p] == me || comm[p] == "bash")
					continue
				q = parent[p]
				while (q != top && q in parent && parent[q] != q)
					q = parent[q]
				if (q == top)
					printf "%s %s %s (parent %s)\n", p, stat[p], comm[p], parent[p]
			}
		}' | sort -n
}

# new_processes BEFORE AFTER: the lines of AFTER whose pid BEFORE lacks.
new_processes() {
	awk 'FNR == NR { seen[$1]; next } NF && !($1 in seen)' /dev/fd/3 - 3<<<"$1" <<<"$2"
}

# The self-check: a System V segment, semaphore set and message queue, a
# /dev/shm object, a run folder and an orphaned process with a zombie
# child, left as a run would leave them (as the runs' user), must each be
# reported; a segment, a /dev/shm object and a run folder made meanwhile by
# someone unrelated (in the machine's namespaces; or, without them, by a
# uid the runs never use), and a process started before the self-test, must
# not.  Uses ok and bad of selftest/run.
leftovers_selfcheck() {
	local base_o base_p left procs expected missing seen plant pid stat rest i
	local -a planted=()
	local shm sem msg run_dir sleeper devshm=ipclab-selfcheck.$RANDOM$RANDOM
	local foreign_shm='' foreign_dir='' foreign_what='' foreign_devshm=ipclab-foreign.$RANDOM$RANDOM
	local foreign_uid=64123 unrelated_alive='' comm=''
	local -a foreign_ipc=() foreign_mnt=()
	base_o=$(snapshot)
	base_p=$(processes)

	read -r -d '' plant <<'SH'
m=$(ipcmk -M 4096) && s=$(ipcmk -S 1) && q=$(ipcmk -Q) && touch "/dev/shm/$1" &&
	d=$(mktemp -d /tmp/ipclab-run-XXXXXX) &&
	p=$(setsid -f sh -c 'echo $$; sleep 0 & exec sleep 30 >/dev/null 2>&1' </dev/null) &&
	echo "${m##* } ${s##* } ${q##* } $d $p"
SH
	read -r shm sem msg run_dir sleeper < <(${RUN_AS[@]+"${RUN_AS[@]}"} sh -c "$plant" sh "$devshm")

	if [ "$LEFTOVER_SCOPE" = namespaces ]; then
		foreign_ipc=(nsenter --ipc=/proc/self/fd/61 "${RUN_AS[@]}")
		foreign_mnt=(nsenter --mount=/proc/self/fd/62 "${RUN_AS[@]}")
		foreign_what="made outside its namespaces by $(leftovers_run_user)"
	elif [ "$UID" -eq 0 ]; then
		while [[ $LEFTOVERS_UIDS == *" $foreign_uid "* ]]; do
			foreign_uid=$((foreign_uid + 1))
		done
		foreign_ipc=(setpriv --reuid="$foreign_uid" --regid="$foreign_uid" --clear-groups)
		foreign_mnt=("${foreign_ipc[@]}")
		foreign_what="made by uid $foreign_uid"
	fi
	if [ -n "$foreign_what" ]; then
		foreign_shm=$("${foreign_ipc[@]}" ipcmk -M 4096)
		foreign_shm=${foreign_shm##* }
		# shellcheck disable=SC2016 # $1 is the inner shell's
		foreign_dir=$("${foreign_mnt[@]}" sh -c 'touch "/dev/shm/$1" && mktemp -d /tmp/ipclab-run-XXXXXX' \
			sh "$foreign_devshm")
	fi
	if [ "$LEFTOVER_SCOPE" = tree ] && [ -n "$LEFTOVERS_UNRELATED" ]; then
		read -r comm <"/proc/$LEFTOVERS_UNRELATED/comm" 2>/dev/null
		[ "$comm" = sleep ] && unrelated_alive=1
	fi

	# The zombie comes when "sleep 0" ends.
	for ((i = 0; i < 40; i++)); do
		procs=$(new_processes "$base_p" "$(processes)")
		planted=()
		while read -r pid stat rest; do
			[ "$pid" = "$sleeper" ] || [[ $stat == Z* && $rest == *"(parent $sleeper)" ]] &&
				planted+=("$pid $stat $rest")
		done <<<"$procs"
		[ ${#planted[@]} -ge 2 ] && break
		sleep 0.05
	done
	left=$(new_objects "$base_o" "$(snapshot)")
	expected=$(printf '%s\n' "shm $shm" "sem $sem" "msg $msg" "devshm $devshm" "tmp $run_dir")
	missing=$(grep -v -x -F -f /dev/fd/3 3<<<"$left" <<<"$expected")
	if [ -n "$sleeper" ] && [ -z "$missing" ] && [ ${#planted[@]} -eq 2 ] &&
		[[ "${planted[*]}" == "$sleeper "[!Z]* ]]; then
		ok "it reports a System V segment, semaphore set and queue, a /dev/shm object, a run folder, a process and a zombie, left as a run would"
	else
		bad "it misses what a run leaves" ${missing:+"not reported: ${missing//$'\n'/, }"} \
			"the process ${sleeper:-(not started)} and its zombie child; reported: ${planted[*]}"
	fi
	# In namespaces of its own, nothing but its own can show at all; outside
	# them another grader of the same users may come and go meanwhile, so
	# only the unrelated process's own things are looked for.
	if [ "$LEFTOVER_SCOPE" = namespaces ]; then
		seen=$(grep -v -x -F -f /dev/fd/3 3<<<"$expected" <<<"$left")
		seen+=$(grep -v -x -F -f /dev/fd/3 3< <(printf '%s\n' "${planted[@]}") <<<"$procs")
	else
		seen=$(grep -x -F -f /dev/fd/3 <<<"$left" 3<<<"$(printf '%s\n' ${foreign_shm:+"shm $foreign_shm"} \
			${foreign_dir:+"devshm $foreign_devshm" "tmp $foreign_dir"})")
		seen+=$(awk -v u="$LEFTOVERS_UNRELATED" '$1 == u' <<<"$procs")
	fi
	if [ -n "$foreign_what" ] && { [ -z "$foreign_shm" ] || [ -z "$foreign_dir" ]; }; then
		bad "the unrelated objects could not be made" "segment '$foreign_shm', run folder '$foreign_dir'"
	elif [ -z "$seen" ]; then
		ok "it ignores an unrelated process's: ${foreign_what:+"a segment, a /dev/shm object and a run folder $foreign_what, and "}a process started before the self-test$([ "$LEFTOVER_SCOPE" = namespaces ] && echo ", outside its namespaces")"
	else
		bad "it reports what the self-test did not make" "$seen"
	fi
	[ "$LEFTOVER_SCOPE" = tree ] && [ -z "$unrelated_alive" ] &&
		printf '        (the process started before the self-test had ended already: not tried)\n'
	[ "$LEFTOVER_SCOPE" = tree ] && [ -z "$foreign_what" ] &&
		printf '        (an ordinary user cannot make objects as another user: not tried)\n'

	# Removed, they are reported no more.
	[ -n "$sleeper" ] && kill -KILL "$sleeper"
	ipcrm ${shm:+-m "$shm"} ${sem:+-s "$sem"} ${msg:+-q "$msg"}
	rm -f -d "/dev/shm/$devshm" ${run_dir:+"$run_dir"}
	if [ -n "$foreign_what" ]; then
		[ -n "$foreign_shm" ] && "${foreign_ipc[@]}" ipcrm -m "$foreign_shm"
		"${foreign_mnt[@]}" rm -f -d "/dev/shm/$foreign_devshm" ${foreign_dir:+"$foreign_dir"}
	fi
	[ -n "$unrelated_alive" ] && kill -KILL "$LEFTOVERS_UNRELATED"
	exec 61<&- 62<&-
	for ((i = 0; i < 40; i++)); do
		procs=$(new_processes "$base_p" "$(processes)")
		seen=$(grep -x -F -f /dev/fd/3 3<<<"$expected" <<<"$(new_objects "$base_o" "$(snapshot)")")
		seen+=$(awk -v s="$sleeper" '$1 == s || $NF == s ")"' <<<"$procs")
		[ -z "$seen" ] && break
		sleep 0.05
	done
	if [ -z "$seen" ]; then
		ok "it reports them no more once they are removed"
	else
		bad "still reported once removed" "$seen"
	fi
}
