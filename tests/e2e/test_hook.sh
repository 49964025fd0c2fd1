#!/usr/bin/env bash
# tests/e2e/test_hook.sh: the destination enforces its own admission (TAP).
# With roamd running on both lab hosts (their libvirtds run roam-hook as the
# qemu hook):
#   1. a plain `virsh migrate` A -> B with the lab's host credentials and no
#      admission is refused by B with the hook's reason; the VM keeps running
#      on A with its NICs as they were;
#   2. the same with a domain XML that carries a forbidden construct (QEMU
#      passthrough; a console on a host file) is refused naming it;
#   3. `roam migrate` A -> B still works, and B's audit log has the hook's
#      "allowed" record with the admission's query id; B -> A works too.
# Shares the e2e lab state dir (and its lock) with tests/e2e/test_e2e.sh.
set -u
E2E_STATE=${ROAM_E2E_STATE:-e2e}
# shellcheck source=e2e_env.sh
source "$(dirname "$0")/e2e_env.sh"

cleanup() { roam_down 2>/dev/null; "$LAB" down >/dev/null 2>&1; }
trap cleanup EXIT

"$LAB" down >/dev/null 2>&1
if ! "$LAB" up 2>&1 | diag; then echo "Bail out! lab up failed"; exit 1; fi
vm_host >/dev/null || { echo "Bail out! lab VM not running"; exit 1; }
roam_up 2>&1 | diag
if ! { roamd_running A && roamd_running B; }; then echo "Bail out! roamd did not start"; exit 1; fi

link_of() { virsh_h "$1" domif-getlink "$VM" "$2" 2>/dev/null | awk '{print $2}'; }
links() { echo "$(link_of "$1" "$MAC_PRIMARY")/$(link_of "$1" "$MAC_SECONDARY")"; }
running_on() { [ "$(vm_host)" = "$1" ] && virsh_h "$1" domstate "$VM" | grep -qx running; }
absent_from() { ! virsh_h "$1" dominfo "$VM" >/dev/null 2>&1; }
out=$RUN/e2e-hook.out
before=$(links A)

# 1. plain libvirt migration, no admission
"$LAB" migrate-baseline B >"$out" 2>&1
rc=$?
diag <"$out"
[ "$rc" -ne 0 ] && grep -q "no admission for $VM" "$out"
point $? "1: virsh migrate A -> B without an admission refused with the hook's reason"
check "1: the VM still runs on A" running_on A
check "1: and B has no copy of it" absent_from B
[ "$(links A)" = "$before" ]; point $? "1: its NICs as before ($(links A), was $before)"
grep -q "\"event\":\"incoming-migration\",\"vm\":\"$VM\",\"outcome\":\"refused\"" "$(roamd_audit B)"
point $? "1: B's audit log has the refusal"

# 2. crafted domain XML: the hook's allowlist names what it refuses
xml=$RUN/e2e-hook.xml
virsh_h A dumpxml --migratable "$VM" >"$xml.orig"
sed -e "s|<domain type='qemu'>|<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>|" \
    -e "s|</devices>|</devices><qemu:commandline><qemu:arg value='-S'/></qemu:commandline>|" \
    "$xml.orig" >"$xml"
"$LAB" migrate-baseline B -- --xml "$xml" >"$out" 2>&1
rc=$?
diag <"$out"
[ "$rc" -ne 0 ] && grep -q "QEMU passthrough" "$out"
point $? "2: an XML with <qemu:commandline> refused naming it"
sed "s|/var/log/libvirt/qemu/$VM.console|/etc/roam-e2e-console|g" "$xml.orig" >"$xml"
"$LAB" migrate-baseline B -- --xml "$xml" >"$out" 2>&1
rc=$?
diag <"$out"
[ "$rc" -ne 0 ] && grep -q "/etc/roam-e2e-console' is outside" "$out"
point $? "2: an XML with its console on a host file refused naming it"
check "2: the VM still runs on A" running_on A
[ "$(links A)" = "$before" ]; point $? "2: its NICs as before ($(links A))"

# 3. roam's own path goes through
roam_migrate alice A B >"$out" 2>&1
rc=$?
diag <"$out"
point $rc "3: alice migrates A -> B with roam migrate"
check "3: the VM runs on B" running_on B
grep -q "\"event\":\"incoming-migration\",\"vm\":\"$VM\",\"src\":\"[^\"]*\",\"query_id\":\"[0-9a-f]*\",\"outcome\":\"allowed\"" "$(roamd_audit B)"
point $? "3: B's audit log has the hook's claim of the admission"
roam_migrate alice B A >"$out" 2>&1
rc=$?
diag <"$out"
point $rc "3: and back B -> A"
check "3: the VM runs on A" running_on A

echo "1..$n"
[ "$failed" -eq 0 ]
