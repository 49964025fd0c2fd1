#!/usr/bin/env bash
# tests/faults/test_faults.sh: faults in the middle of a migration, on the
# lab (TAP), in its own state dir (lab/state/faults).  Each cell kills one
# daemon at one point of a migration, restarts it, and checks that the VM
# runs exactly once (never on both hosts, never on neither), that its NICs
# are as before (or swapped, when it moved), that both audit logs say what
# happened, that the restarted daemon comes back clean (no in-flight record
# left) and that the next migration works:
#   1. source roamd SIGKILLed at about half of the memory copy;
#   2. source roamd SIGKILLed during post-processing (VM running on the
#      destination, the source's libvirt call not yet returned);
#   3. destination roamd SIGKILLed at about half of the memory copy;
#   4. destination libvirtd SIGKILLed at about half of the memory copy
#      (libvirt then fails the job, or completes it: either is fine, as
#      long as the VM runs once and its NICs match where it runs).
# The copy is capped at $BW MiB/s so that "half" is seconds long.
set -u
E2E_STATE=${ROAM_FAULTS_STATE:-faults}
# shellcheck source=../e2e/e2e_env.sh
source "$(dirname "$0")/../e2e/e2e_env.sh"
BW=${ROAM_FAULTS_BANDWIDTH:-24}

cleanup() { roam_down 2>/dev/null; "$LAB" down >/dev/null 2>&1; }
trap cleanup EXIT

t0=$(now_ms)
"$LAB" down >/dev/null 2>&1
if ! "$LAB" up --no-disk 2>&1 | diag; then echo "Bail out! lab up failed"; exit 1; fi
vm_host >/dev/null || { echo "Bail out! lab VM not running"; exit 1; }
roam_up 2>&1 | diag
if ! { roamd_running A && roamd_running B; }; then echo "Bail out! roamd did not start"; exit 1; fi
echo "# lab and daemons up in $(( $(now_ms) - t0 )) ms"
# Guest memory in use and changing (a fresh guest's is mostly zero pages,
# which cross at once), slower than the copy so that every migration ends.
"$LAB" guest-exec 'dirty 50 6 >/dev/null 2>&1 &' >/dev/null 2>&1

link_of() { virsh_h "$1" domif-getlink "$VM" "$2" 2>/dev/null | awk '{print $2}'; }
links() { echo "$(link_of "$1" "$MAC_PRIMARY")/$(link_of "$1" "$MAC_SECONDARY")"; }
links_are() { [ "$(links "$1")" = "$2" ]; }
state_on() { virsh_h "$1" domstate "$VM" 2>/dev/null | head -n 1; }
# Running on H, and on the other host neither running nor paused.
only_on() {
    [ "$(state_on "$1")" = running ] || return 1
    case $(state_on "$(other_host "$1")") in running | paused) return 1 ;; esac
}
audit_has() { grep -q "$2" "$(roamd_audit "$1")"; }
records() { # HOST: its in-flight records' names (set-aside *.bad ones too)
    local f
    for f in "$RUN/roamd-${1,,}.state/inflight/"*; do [ -e "$f" ] && basename "$f"; done
}
no_records() { [ -z "$(records "$1")" ]; }
# The outgoing job's memory figures (virsh picks a unit per figure).
job_mem() { virsh_h "$1" domjobinfo "$VM" 2>/dev/null | grep -E '^(Job type|Memory (remaining|total)):'; }
job_half() { # HOST: the outgoing job runs and at most half of the memory remains
    job_mem "$1" | awk '
        function bytes(v, u) { return v * (u == "GiB" ? 2^30 : u == "MiB" ? 2^20 : u == "KiB" ? 2^10 : 1) }
        /^Job type:/ { run = $3 == "Unbounded" }
        /^Memory remaining:/ { r = bytes($3, $4) } /^Memory total:/ { t = bytes($3, $4) }
        END { exit !(run && t > 0 && r * 2 <= t) }'
}
at_half() { # CELL HOST: wait for half of the copy, and say how far it is
    wait_for 60 job_half "$2" || echo "# $1: job not seen at half"
    echo "# $1: $(job_mem "$2" | tr '\n' ' ')"
}
roamd_kill() { # HOST: SIGKILL, as a crash would
    local f; f=$(roamd_pidfile "$1")
    kill -9 "$(cat "$f")" 2>/dev/null
    wait_for 5 pid_gone "$(cat "$f")"
    rm -f "$f"
}
libvirtd_kill() { # HOST: SIGKILL libvirtd alone (its QEMUs live on)
    local p; p=$(cat "$(host_dir "$1")/libvirtd.pid")
    kill -9 "$p" 2>/dev/null
    wait_for 5 pid_gone "$p"
}
out=$RUN/faults.out
migrate_bg() { roam_migrate alice "$1" "$2" --bandwidth "$BW" >"$out" 2>&1 & mig=$!; }
# The restarted daemon: up, every record resolved within 30 s, --check
# lists none.
clean_restart() { # HOST CELL
    roamd_start "$1"
    wait_for 30 no_records "$1"
    point $? "$2: restarted roamd $1 resolved its in-flight records ($(records "$1" | tr '\n' ' '))"
    local c
    c=$(ip netns exec "$(host_ns "$1")" "$(roam_bin roamd)" -c "$RUN/roamd-${1,,}.conf" --check 2>&1)
    case $c in *in-flight*) point 1 "$2: roamd --check on $1 lists no in-flight migration" ;;
               *) point 0 "$2: roamd --check on $1 lists no in-flight migration" ;; esac
}

# 1. A -> B, source roamd (A) killed at half of the copy: libvirt's job
# goes on without it; B finishes the post-processing alone; A's next start
# finds the VM gone and records the move.
migrate_bg A B
at_half 1 A
echo "# 1: killing roamd A"
roamd_kill A
wait $mig
rc=$?
diag <"$out"
point "$([ $rc -eq 6 ]; echo $?)" "1: the client reports an unknown outcome (exit 6, got $rc)"
wait_for 60 only_on B
point $? "1: the VM runs on B only ($(state_on A)/$(state_on B))"
wait_for 10 links_are B down/up
point $? "1: on B primary down, secondary up ($(links B))"
check "1: B audited that the source went away" \
    audit_has B '"event":"post-processing".*"outcome":"source gone"'
check "1: and its post-processing done all the same" \
    audit_has B '"event":"post-processing".*"outcome":"done"'
check "1: B took the old primary down" audit_has B '"event":"link-down".*"outcome":"done"'
clean_restart A 1
check "1: A audited the reconciliation: moved" audit_has A '"event":"reconcile".*"outcome":"moved"'

# 2. B -> A, source roamd (B) killed during post-processing: once the VM
# runs on A, while A post-processes (RARP, link-down, address check) and
# B's libvirt call has not returned yet.  (The source's own part of
# post-processing, after that call, only waits about a millisecond for A's
# report: too short a window to aim a kill at.)
migrate_bg B A
running_on() { [ "$(state_on "$1")" = running ]; }
wait_for 60 running_on A || echo "# 2: switch-over not seen"
echo "# 2: killing roamd B ($(records B | tr '\n' ' '))"
roamd_kill B
wait $mig
rc=$?
diag <"$out"
point "$([ $rc -eq 6 ]; echo $?)" "2: the client reports an unknown outcome (exit 6, got $rc)"
wait_for 30 only_on A
point $? "2: the VM runs on A only ($(state_on A)/$(state_on B))"
wait_for 10 links_are A up/down
point $? "2: on A the roles swapped back ($(links A))"
check "2: A audited its post-processing" audit_has A '"event":"post-processing".*"outcome":"done"'
clean_restart B 2
check "2: B audited the reconciliation: moved" \
    audit_has B '"event":"reconcile".*"role":"source".*"outcome":"moved"'

# 3. A -> B, destination roamd (B) killed at half of the copy: the VM
# arrives with both NICs up; B's next start finishes the post-processing.
migrate_bg A B
at_half 3 A
echo "# 3: killing roamd B"
roamd_kill B
wait $mig
rc=$?
diag <"$out"
point "$([ $rc -eq 7 ]; echo $?)" "3: the client reports the VM on B, post-processing failed (exit 7, got $rc)"
wait_for 30 only_on B
point $? "3: the VM runs on B only ($(state_on A)/$(state_on B))"
check "3: A audited the failed post-processing report" \
    audit_has A '"outcome":"failed".*"failed_phase":"post-processing"'
clean_restart B 3
wait_for 10 links_are B down/up
point $? "3: after B's restart primary down, secondary up ($(links B))"
check "3: B audited the reconciliation: finished" \
    audit_has B '"event":"reconcile".*"role":"destination".*"outcome":"finished"'

# 4. B -> A, destination libvirtd (A) killed at half of the copy.
before=$(links B)
migrate_bg B A
at_half 4 B
echo "# 4: killing libvirtd A"
libvirtd_kill A
wait $mig
rc=$?
diag <"$out"
# (in subshells: the lab's helpers exit on failure; a slow start is retried)
restart_libvirtd() { (libvirtd_start "$1" && libvirtd_wait "$1"); }
restart_libvirtd A >"$out.lv" 2>&1 || { sleep 5; restart_libvirtd A >>"$out.lv" 2>&1; } ||
    tail -n 5 "$(host_dir A)/libvirtd.out" >>"$out.lv"
diag <"$out.lv"
# libvirt's own outcome: the job fails (the VM stays on B, NICs as before)
# or, when the stream outlives the daemon, completes (the VM on A, NICs
# swapped by A's post-processing).  Either way exactly once.
if [ $rc -eq 5 ]; then
    to=B want=$before
    check "4: B audited the failed migration" audit_has B '"outcome":"failed".*"failed_phase":"migration"'
else
    to=A want=up/down
    point "$([ $rc -eq 0 ]; echo $?)" "4: the migration completed all the same (exit 0, got $rc)"
fi
echo "# 4: exit $rc: the VM should run on $to"
wait_for 30 only_on $to
point $? "4: the VM runs on $to only ($(state_on A)/$(state_on B))"
wait_for 10 links_are $to "$want"
point $? "4: $to's NICs as they should be ($(links $to), want $want)"
check "4: guest answers" guest_ready
wait_for 30 no_records A
point $? "4: A has no in-flight record left ($(records A | tr '\n' ' '))"
check "4: B has no in-flight record left" no_records B

# After all of it: a plain migration works.
from=$(vm_host) to=$(other_host "$(vm_host)")
"$LAB" guest-exec 'killall dirty' >/dev/null 2>&1
roam_migrate alice "$from" "$to" >"$out" 2>&1
rc=$?
diag <"$out"
point $rc "after: $from -> $to works"
check "after: VM runs on $to only" only_on "$to"
check "after: NICs swapped on $to" links_are "$to" "$(if [ "$to" = A ]; then echo up/down; else echo down/up; fi)"

echo "# faults total $(( $(now_ms) - t0 )) ms"
echo "1..$n"
[ "$failed" -eq 0 ]
