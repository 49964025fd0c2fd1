#!/usr/bin/env bash
# tests/e2e/test_e2e.sh: roam end to end on the lab (TAP).  One lab for all
# cases, in its own state dir (lab/state/e2e; downloads shared with
# lab/state/cache), so it never touches a developer's lab:
#   1. authorized A -> B: running on B, primary down, secondary up with a
#      B-prefix address, gone from A, phase table, audit entries on both;
#   2. key failing the accept policy / the VM's migrate policy: refused in
#      the right phase, VM and NIC states untouched;
#   3. expired key refused;
#   4. replayed response and response from another TLS session refused;
#   5. admission misuse (wrong and reused query id) refused;
#   7. B -> A with the same machinery;
#   6. destination libvirtd (with its incoming QEMU) killed while the job
#      runs: migration fails, VM keeps running on A with its NICs restored;
#      after libvirtd is back, A -> B works again.
set -u
E2E_STATE=${ROAM_E2E_STATE:-e2e}
# shellcheck source=e2e_env.sh
source "$(dirname "$0")/e2e_env.sh"
PROBE=${ROAM_E2E_PROBE:?ROAM_E2E_PROBE: path of e2e_probe}

cleanup() { roam_down 2>/dev/null; "$LAB" down >/dev/null 2>&1; }
trap cleanup EXIT

t0=$(now_ms)
"$LAB" down >/dev/null 2>&1
if ! "$LAB" up 2>&1 | diag; then echo "Bail out! lab up failed"; exit 1; fi
vm_host >/dev/null || { echo "Bail out! lab VM not running"; exit 1; }
roam_up 2>&1 | diag
if ! { roamd_running A && roamd_running B; }; then echo "Bail out! roamd did not start"; exit 1; fi
echo "# lab and daemons up in $(( $(now_ms) - t0 )) ms"

link_of() { virsh_h "$1" domif-getlink "$VM" "$2" 2>/dev/null | awk '{print $2}'; }
links() { echo "$(link_of "$1" "$MAC_PRIMARY")/$(link_of "$1" "$MAC_SECONDARY")"; }
# The destination takes the old primary link down link_down_delay_ms (300)
# after the VM's announcement, after its report: wait for it.
links_are() { [ "$(links "$1")" = "$2" ]; }
links_become() { wait_for 5 links_are "$1" "$2"; }
audit_has() { grep -q "$2" "$(roamd_audit "$1")"; }
on() { [ "$(vm_host)" = "$1" ]; }
absent_from() { ! virsh_h "$1" dominfo "$VM" >/dev/null 2>&1; }
out=$RUN/e2e.out

# 1. authorized A -> B
roam_migrate alice A B >"$out" 2>&1
rc=$?
diag <"$out"
point $rc "1: alice migrates A -> B (exit 0)"
check "1: VM runs on B" on B
check "1: VM is gone from A" absent_from A
links_become B down/up
point $? "1: on B primary NIC down, secondary up ($(links B))"
check "1: B's audit log has the link-down" audit_has B '"event":"link-down".*"outcome":"done"'
addrs=$("$LAB" guest-addrs secondary 2>/dev/null)
echo "$addrs" | diag
point "$(echo "$addrs" | grep -q '^2001:db8:b:'; echo $?)" "1: secondary NIC holds a B-prefix address"
point "$(grep -q 'post-processing' "$out" && grep -q 'total' "$out"; echo $?)" "1: phase table printed"
check "1: A's audit log has the migration" audit_has A '"event":"migrate".*"outcome":"migrated"'
check "1: A's audit log has the source authentication" audit_has A '"role":"migrate".*"outcome":"authenticated"'
check "1: B's audit log has the admission" audit_has B '"event":"admission".*"outcome":"granted"'
check "1: B's audit log has the post-processing" audit_has B '"event":"post-processing".*"outcome":"done"'

# 2./3. refusals, B -> A, VM and NICs untouched
for c in "nocustomer|destination authentication|not authorized by the destination's accept policy" \
         "nomigrate|source authentication|not authorized by the VM's migrate policy" \
         "expired|destination authentication|key expired"; do
    IFS='|' read -r user phase msg <<<"$c"
    before=$(links B)
    roam_migrate "$user" B A >"$out" 2>&1
    rc=$?
    diag <"$out"
    point "$([ $rc -eq 1 ] && grep -q "$phase failed" "$out" && grep -q "$msg" "$out"; echo $?)" \
        "2/3: $user refused in $phase: $msg"
    point "$(on B && absent_from A && [ "$(links B)" = "$before" ]; echo $?)" \
        "2/3: after $user: VM still on B, NICs unchanged ($(links B))"
done
check "2: A (the destination) audited refusing nocustomer" audit_has A '"role":"accept".*"outcome":"refused"'
check "2: B (the source) audited refusing nomigrate" audit_has B '"role":"migrate".*"outcome":"refused"'

# 4. replay and cross-session responses (against B as destination)
ip netns exec "$NS_U" "$PROBE" replay "$ROAM_KEYS/ca.pem" "$ROAM_KEYS/mpk.pem" "$ROAM_KEYS/users/alice.key" \
    "$(host_addr B)" "$ROAM_PORT" "$VM" "[$(host_addr A)]" "[$(host_addr B)]" >"$out" 2>&1
rc=$?
diag <"$out"
point $rc "4: replayed response and another session's response refused"

# 5. admission misuse: A's daemon certificate asking B
ip netns exec "$NS_A" "$PROBE" admission "$ROAM_KEYS/ca.pem" "$ROAM_KEYS/host-a.pem" \
    "$ROAM_KEYS/host-a.key" "$ROAM_PEER_PORT" "$ROAM_KEYS/mpk.pem" "$ROAM_KEYS/users/alice.key" \
    "$(host_addr B)" "$ROAM_PORT" "$VM" "[$(host_addr A)]" "[$(host_addr B)]" >"$out" 2>&1
rc=$?
diag <"$out"
point $rc "5: wrong, foreign and reused query ids refused"

# 7. back B -> A
roam_migrate alice B A >"$out" 2>&1
rc=$?
diag <"$out"
point $rc "7: alice migrates B -> A"
check "7: VM runs on A" on A
check "7: VM is gone from B" absent_from B
links_become A up/down
point $? "7: on A the roles swapped back ($(links A))"

# 6. destination host's libvirt (and its incoming QEMU) stopped while the
# migration job runs: the job fails, the VM keeps running on A, NICs
# restored.  The guest dirties its memory meanwhile so the job lasts.
before=$(links A)
"$LAB" guest-exec 'dirty 80 >/dev/null 2>&1 &' >/dev/null 2>&1
job_running() { virsh_h A domjobinfo "$VM" 2>/dev/null | grep -q '^Job type: *Unbounded'; }
roam_migrate alice A B >"$out" 2>&1 &
mig=$!
if wait_for 30 job_running; then echo "# migration job running: stopping libvirtd on B"; else echo "# job not seen running"; fi
libvirtd_stop B
wait $mig
rc=$?
"$LAB" guest-exec 'killall dirty' >/dev/null 2>&1
diag <"$out"
point "$([ $rc -eq 5 ] && grep -q 'migration failed' "$out"; echo $?)" "6: migration failure reported (exit 5, VM on the source)"
point "$(on A && [ "$(links A)" = "$before" ]; echo $?)" "6: VM still runs on A, NICs restored ($(links A))"
check "6: guest still answers on A" guest_ready
check "6: A audited the failure" audit_has A '"outcome":"failed","failed_phase":"migration"'
libvirtd_start B && libvirtd_wait B
roam_migrate alice A B >"$out" 2>&1
rc=$?
diag <"$out"
point $rc "6: after libvirtd B is back, A -> B works again"
check "6: VM runs on B" on B

echo "# e2e total $(( $(now_ms) - t0 )) ms"
echo "1..$n"
[ "$failed" -eq 0 ]
