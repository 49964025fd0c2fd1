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
#      destination, the source waiting for its report);
#   3. destination roamd SIGKILLed at about half of the memory copy;
#   4. destination roamd dead at the destination authentication;
#   5. source roamd dead at the source authentication;
#   6. the link between the providers cut for 5 s (nftables on the router)
#      at about half of the memory copy;
#   7. the IMS SIGKILLed at about half of the memory copy, restarted once
#      the VM runs on the destination: the VM moves all the same, and its
#      registration reaches the IMS when it is back;
#   8. destination roamd SIGKILLed in the RA fetch (the router's RAs
#      dropped, so the destination waits for one);
#   9. the guest's answers to the destination's address check dropped: the
#      move is reported with post-processing failed, and the NICs are
#      swapped all the same;
#  10. destination libvirtd SIGKILLed at about half of the memory copy
#      (libvirt then fails the job, or completes it: either is fine, as
#      long as the VM runs once and its NICs match where it runs); last,
#      since what it leaves is libvirt's to decide.
# In 1 and 2 the killed roamd is restarted while the client, which lost
# the source, asks both hosts where the VM runs (Locate): it must report
# the true outcome.  The copy is capped at $BW MiB/s so that "half" is
# seconds long.
set -u
E2E_STATE=${ROAM_FAULTS_STATE:-faults}
# shellcheck source=../e2e/e2e_env.sh
source "$(dirname "$0")/../e2e/e2e_env.sh"
ROAM_LAB_IMS=sqlite
# shellcheck source=../../lab/lib/mobility.sh
source "$SRC/lab/lib/mobility.sh"
# shellcheck source=faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"
BW=${ROAM_FAULTS_BANDWIDTH:-24}

cleanup() { roam_down 2>/dev/null; "$LAB" down >/dev/null 2>&1; }
trap cleanup EXIT

t0=$(now_ms)
faults_lab_up "$t0" || exit 1

# The client's verdict after a lost source, from both hosts' answers.
told_moved() { # CELL HOST RC
    point "$([ "$3" -eq 0 ]; echo $?)" "$1: the client learns from both hosts that the VM moved (exit 0, got $3)"
    check "$1: ... and says it runs on $2 and both finished" \
        grep -q "runs on \[$(host_addr "$2")\], and both hosts have finished" "$out"
}

# 1. A -> B, source roamd (A) killed at half of the copy: libvirt's job
# goes on without it; B finishes the post-processing alone; A's next start
# finds the VM gone and records the move.
migrate_bg A B
at_copy 1 A 50
echo "# 1: killing roamd A, restarting it while the client asks where the VM runs"
roamd_kill A
sleep 2
roamd_start A
wait $mig
rc=$?
diag <"$out"
told_moved 1 B $rc
check "1: B audited the client's question" audit_has B '"event":"locate"'
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
# B still waits for A's report.  A's address check is held up (the guest's
# answers dropped until just after the kill) so that the window is seconds
# long, not the few hundred ms in which B's libvirt call returns and A
# reports.
block_nas A add "$(standby_mac B)"
migrate_bg B A
wait_for 60 running_on A || echo "# 2: switch-over not seen"
echo "# 2: killing roamd B ($(records B | tr '\n' ' '))"
kill -9 "$(cat "$(roamd_pidfile B)")" 2>/dev/null
block_nas A delete   # at once: A's check has 5 s from the VM's RARP
roamd_kill B
sleep 2
roamd_start B
wait $mig
rc=$?
diag <"$out"
told_moved 2 A $rc
wait_for 30 only_on A
point $? "2: the VM runs on A only ($(state_on A)/$(state_on B))"
wait_for 10 links_are A up/down
point $? "2: on A the roles swapped back ($(links A))"
wait_for 10 audit_has A '"event":"post-processing".*"outcome":"done"'
point $? "2: A audited its post-processing"
clean_restart B 2
check "2: B audited the reconciliation: moved" \
    audit_has B '"event":"reconcile".*"role":"source".*"outcome":"moved"'

# 3. A -> B, destination roamd (B) killed at half of the copy: the VM
# arrives with both NICs up; B's next start finishes the post-processing.
migrate_bg A B
at_copy 3 A 50
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

# 4. Destination roamd dead at the destination authentication: nothing
# starts, the VM stays where it is with its NICs, the source audited its
# own authentication of the query and the restarted destination is clean.
from=$(vm_host) to=$(other_host "$(vm_host)")
before=$(links "$from")
roamd_kill "$to"
roam_migrate alice "$from" "$to" >"$out" 2>&1
rc=$?
diag <"$out"
point "$([ $rc -eq 3 ]; echo $?)" "4: destination unreachable (exit 3, got $rc)"
check "4: ... at the destination authentication" grep -q "destination authentication" "$out"
check "4: the VM still runs on $from only" only_on "$from"
check "4: its NICs as before ($before)" links_are "$from" "$before"
q=$(query_of)
check "4: the source audited the query's authentication ($q)" audit_has "$from" "\"query_id\":\"$q\""
clean_restart "$to" 4

# 5. Source roamd dead at the source authentication: likewise; the
# destination audited the admission it granted, which is never used.
before=$(links "$from")
roamd_kill "$from"
roam_migrate alice "$from" "$to" >"$out" 2>&1
rc=$?
diag <"$out"
point "$([ $rc -eq 3 ]; echo $?)" "5: source unreachable (exit 3, got $rc)"
check "5: ... at the source authentication" grep -q "source authentication" "$out"
check "5: the VM still runs on $from only" only_on "$from"
check "5: its NICs as before ($before)" links_are "$from" "$before"
q=$(query_of)
check "5: the destination audited the admission ($q)" \
    audit_has "$to" "\"query_id\":\"$q\".*\"outcome\":\"admitted\""
clean_restart "$from" 5

# 6. The link between the providers cut for 5 s at half of the copy (every
# packet between their prefixes dropped on the router): TCP and libvirt's
# keepalive decide.  The job completes after the cut, or fails and the VM
# stays: exactly once either way, NICs as they should be, both audited.
before=$(links "$from")
migrate_bg "$from" "$to"
at_copy 6 "$from" 50
echo "# 6: cutting the link for 5 s"
cut_links add && t_cut=$(now_ms)
sleep 5
cut_links delete
echo "# 6: link back after $(( $(now_ms) - ${t_cut:-0} )) ms"
wait $mig
rc=$?
diag <"$out"
# Exit 7: the VM moved but the destination could not confirm its new
# address in time (a guest under TCG that the stall left slow); the switch
# is finished all the same, so the VM is as after a move.
if [ $rc -eq 0 ] || [ $rc -eq 7 ]; then
    where=$to want=$(arrived_links "$to")
    [ $rc -eq 7 ] && { grep -q "all the same" "$out"
        point $? "6: exit 7 says the primary NIC went down all the same"; }
else
    where=$from want=$before
    point "$([ $rc -eq 5 ]; echo $?)" "6: the migration failed with the VM on the source (exit 5, got $rc)"
fi
echo "# 6: exit $rc: the VM should run on $where"
wait_for 30 only_on "$where"
point $? "6: the VM runs on $where only ($(state_on A)/$(state_on B))"
wait_for 10 links_are "$where" "$want"
point $? "6: $where's NICs as they should be ($(links "$where"), want $want)"
last_migrate() { grep '"event":"migrate"' "$(roamd_audit "$1")" | tail -n 1; }
want_out=$(if [ $rc -eq 0 ]; then echo migrated; else echo failed; fi)
last_migrate "$from" | grep -q "\"outcome\":\"$want_out\""
point $? "6: the source audited the migration: $want_out"
q=$(last_migrate "$from" | grep -o '"query_id":"[0-9a-f]*"')
check "6: the destination audited the same query ($q)" audit_has "$to" "$q"

wait_for 30 no_records "$from"
point $? "6: no in-flight record left on $from"
check "6: nor on $to" no_records "$to"

# 7. The IMS SIGKILLed at half of the copy: the migration does not need it
# (the destination's registration datagram at the RARP is lost); restarted
# once the VM runs on the destination, it gets the VM's registration from
# the guest's agent, which retries (docs/mobility.md).
from=$(vm_host) to=$(other_host "$(vm_host)")
wait_for 30 ims_active_on "$from"
point $? "7: before: the IMS maps the VM to an address of $from ($(mob_query "$MOB_IMS_ADDR" 2>&1))"
migrate_bg "$from" "$to"
at_copy 7 "$from" 50
echo "# 7: killing roam-ims"
ims_kill
wait $mig
rc=$?
diag <"$out"
point "$([ $rc -eq 0 ]; echo $?)" "7: the VM moved all the same (exit 0, got $rc)"
wait_for 30 only_on "$to"
point $? "7: the VM runs on $to only ($(state_on A)/$(state_on B))"
want=$(arrived_links "$to")
wait_for 10 links_are "$to" "$want"
point $? "7: $to's NICs swapped ($(links "$to"))"
check "7: $to audited its handover" audit_has "$to" '"event":"handover"'
ims_start
t_ims=$(now_ms)
wait_for 60 ims_active_on "$to"
point $? "7: back, the IMS maps the VM to an address of $to within 60 s ($(mob_query "$MOB_IMS_ADDR" 2>&1))"
echo "# 7: registration caught up $(( $(now_ms) - t_ims )) ms after the IMS restarted"
wait_for 30 no_records "$from"
point $? "7: no in-flight record left on $from"

# 8. The destination's roamd SIGKILLed while it waits for the router's RA
# (every RA dropped on the router, the destination's cache emptied by a
# restart, so it solicits and waits ra_timeout_ms): the source gets no RA
# and changes nothing; the VM stays, its NICs as before.
from=$(vm_host) to=$(other_host "$(vm_host)")
before=$(links "$from")
block_ras add
roamd_stop "$to"
roamd_start "$to"
n0=$(admitted "$to")
roam_migrate alice "$from" "$to" >"$out" 2>&1 &
mig=$!
more_admitted() { [ "$(admitted "$to")" -gt "$n0" ]; }
wait_for 30 more_admitted
point $? "8: the destination admitted the migration and asks for the RA"
echo "# 8: killing roamd $to"
roamd_kill "$to"
wait $mig
rc=$?
diag <"$out"
point "$([ $rc -ne 0 ]; echo $?)" "8: the migration failed (exit $rc)"
check "8: the VM runs on $from only" only_on "$from"
check "8: its NICs as before ($before)" links_are "$from" "$before"
q=$(query_of)
check "8: the source audited the failure ($q)" audit_has "$from" "\"query_id\":\"$q\".*\"outcome\":\"failed\""
block_ras delete
clean_restart "$to" 8
check "8: no in-flight record left on $from" no_records "$from"

# 9. The guest does not answer the destination's address check in time
# (its Neighbor Advertisements to the destination host dropped on that
# host's VM bridge): the client is told the VM moved but post-processing
# failed, and the destination takes the primary NIC down all the same, so
# the VM is as after any move and moves on.
from=$(vm_host) to=$(other_host "$(vm_host)")
block_nas "$to" add "$(standby_mac "$from")"
point $? "9: the guest's Neighbor Advertisements to $to dropped there"
roam_migrate alice "$from" "$to" >"$out" 2>&1
rc=$?
block_nas "$to" delete
diag <"$out"
point "$([ $rc -eq 7 ]; echo $?)" "9: moved, post-processing failed (exit 7, got $rc)"
grep -q "did not answer for .* all the same" "$out"
point $? "9: the client is told the address went unconfirmed and the primary NIC down all the same"
want=$(arrived_links "$to")
check "9: the VM runs on $to only" only_on "$to"
wait_for 10 links_are "$to" "$want"
point $? "9: $to's NICs swapped all the same ($(links "$to"), want $want)"
q=$(query_of)
check "9: $to audited the link-down ($q)" audit_has "$to" "\"event\":\"link-down\".*\"query_id\":\"$q\".*\"outcome\":\"done\""
wait_for 30 no_records "$to"
point $? "9: no in-flight record left on $to"
roam_migrate alice "$to" "$from" >"$out" 2>&1
rc=$?
diag <"$out"
point $rc "9: and the VM moves on, $to -> $from (exit $rc)"

# 10. B -> A, destination libvirtd (A) killed at half of the copy (from B:
# bring the VM there first if the cells before left it on A).
if [ "$(vm_host)" != B ]; then
    roam_migrate alice A B >"$out" 2>&1
    point $? "10: before: the VM back to B"
fi
before=$(links B)
migrate_bg B A
at_copy 10 B 50
echo "# 10: killing libvirtd A"
libvirtd_kill A
wait $mig
rc=$?
diag <"$out"
restart_libvirtd A "$out.lv"
diag <"$out.lv"
# libvirt's own outcome: the job fails (the VM stays on B, NICs as before)
# or, when the stream outlives the daemon, completes (the VM on A, NICs
# swapped by A's post-processing).  Either way exactly once.
if [ $rc -eq 5 ]; then
    to=B want=$before
    check "10: B audited the failed migration" audit_has B '"outcome":"failed".*"failed_phase":"migration"'
else
    to=A want=up/down
    point "$([ $rc -eq 0 ]; echo $?)" "10: the migration completed all the same (exit 0, got $rc)"
fi
echo "# 10: exit $rc: the VM should run on $to"
wait_for 30 only_on $to
point $? "10: the VM runs on $to only ($(state_on A)/$(state_on B))"
wait_for 10 links_are $to "$want"
point $? "10: $to's NICs as they should be ($(links $to), want $want)"
# (a guest that libvirt resumed after the failed job may take a moment)
wait_for 30 guest_ready
point $? "10: the guest answers"
wait_for 30 no_records A
point $? "10: A has no in-flight record left ($(records A | tr '\n' ' '))"
check "10: B has no in-flight record left" no_records B

after_plain_migration
check "after: VM runs on $to only" only_on "$to"
check "after: NICs swapped on $to" links_are "$to" "$(arrived_links "$to")"

echo "# faults total $(( $(now_ms) - t0 )) ms"
[ "$failed" -eq 0 ] || guest_consoles
echo "1..$n"
[ "$failed" -eq 0 ]
