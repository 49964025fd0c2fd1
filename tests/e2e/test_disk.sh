#!/usr/bin/env bash
# tests/e2e/test_disk.sh: a VM's disk moves with it, without shared storage
# (TAP).  Own lab state dir (lab/state/disk-e2e), guest with a 1 GiB qcow2
# disk in host A's pool:
#   1. sparse: 64 MiB written, roam migrate A -> B sends < 100 MiB over the
#      router, and B's pool holds the image, about as allocated as A's;
#   2. integrity: the guest logs numbered, checksummed, fsynced records
#      while roam migrates B -> A; afterwards every acknowledged record
#      is on the disk, intact;
#   3. a migration aborted during the disk copy: the VM stays on A, its
#      record log intact, and B has no leftover volume;
#   4. the destination refuses (its pool is down): clear error before any
#      copy, the VM stays on A, nothing created.
set -u
E2E_STATE=${ROAM_DISK_STATE:-disk-e2e}
# shellcheck source=e2e_env.sh
source "$(dirname "$0")/e2e_env.sh"

cleanup() { roam_down 2>/dev/null; [ -n "${ROAM_DISK_KEEP_LAB:-}" ] || "$LAB" down >/dev/null 2>&1; }
trap cleanup EXIT

[ -n "${ROAM_DISK_KEEP_LAB:-}" ] || "$LAB" down >/dev/null 2>&1
if ! "$LAB" up --disk 1024 2>&1 | diag; then echo "Bail out! lab up failed"; exit 1; fi
roam_up 2>&1 | diag
if ! { roamd_running A && roamd_running B; }; then echo "Bail out! roamd did not start"; exit 1; fi

on() { [ "$(vm_host)" = "$1" ]; }
# Bytes the router received from host H (its link to-h).
rx_from() { ip netns exec "$NS_R" cat "/sys/class/net/to-${1,,}/statistics/rx_bytes"; }
vols() { pool_volumes "$1" | awk '{print $1}' | sort | tr '\n' ' '; }
out=$RUN/disk-e2e.out
G() { guest_exec 120 "$@"; }

# 1. sparse
G diskrec fill /dev/vda 64 | diag
before=$(rx_from A)
roam_migrate alice A B --json >"$out" 2>&1; rc=$?
diag <"$out"
sent=$(( $(rx_from A) - before ))
point $rc "1: roam migrate A -> B with a 1 GiB disk, 64 MiB written (exit $rc)"
on B; point $? "1: the VM runs on B"
# The router sees memory and disk together: take out the memory copy's
# bytes (libvirt's count, from --json).
mem=$(sed -n 's/.*"memory":{"total":[0-9]*,"processed":\([0-9]*\).*/\1/p' "$out")
disk=$(( sent - ${mem:-0} ))
[ -n "$mem" ] && [ "$disk" -lt $((100 << 20)) ]
point $? "1: $((sent >> 20)) MiB crossed the router, $(( ${mem:-0} >> 20 )) MiB of it memory: disk $((disk >> 20)) MiB (< 100 MiB)"
alloc=$(pool_volumes B | awk '/-vda-/ {print $2}')
[ -n "$alloc" ] && [ "$alloc" -lt $((100 << 20)) ]
point $? "1: B's pool holds the copy, sparse (${alloc:-no volume} bytes allocated)"
grep -q '"disks":{"vda":{.*"mode":"copied"' "$(roamd_audit A)"; point $? "1: A's audit records the copied disk"

# 2. integrity across B -> A, records written before and during
G "diskrec write /dev/vda 0 10 >/tmp/acks 2>&1 &" >/dev/null
sleep 2
roam_migrate alice B A >"$out" 2>&1; rc=$?
diag <"$out"
point $rc "2: roam migrate B -> A while the guest logs records (exit $rc)"
sleep 1
G "pkill diskrec; sleep 0.2; tail -n 1 /tmp/acks" >"$out" 2>&1
last=$(awk '/^ack / {print $2}' "$out")
[ -n "$last" ]; point $? "2: the guest acknowledged records 0..${last:-none}"
G diskrec verify /dev/vda 0 "${last:-0}" >"$out" 2>&1; rc=$?
diag <"$out"
point $rc "2: every acknowledged record is on the disk, intact"

# 3. aborted during the disk copy (bandwidth-capped so it lasts)
vols_b=$(vols B)
G "diskrec write /dev/vda $((last + 1)) 10 >/tmp/acks 2>&1 &" >/dev/null
G diskrec fill /dev/vda 128 >/dev/null
roam_migrate alice A B --bandwidth 4 >"$out" 2>&1 &
mig=$!
sleep 8
virsh_h A domjobabort "$VM" 2>&1 | diag
wait "$mig"; rc=$?
diag <"$out"
[ "$rc" -ne 0 ]; point $? "3: the aborted migration fails (exit $rc)"
on A; point $? "3: the VM still runs on A"
sleep 1
[ "$(vols B)" = "$vols_b" ]; point $? "3: B has no leftover volume ($(vols B))"
G "pkill diskrec; sleep 0.2; tail -n 1 /tmp/acks" >"$out" 2>&1
last3=$(awk '/^ack / {print $2}' "$out")
G diskrec verify /dev/vda 0 "${last3:-0}" >"$out" 2>&1; rc=$?
diag <"$out"
point $rc "3: the disk on A is intact (records 0..${last3:-none})"

# 4. refused by the destination: its pool is down
virsh_h B pool-destroy "$LAB_POOL" >/dev/null
roam_migrate alice A B >"$out" 2>&1; rc=$?
diag <"$out"
[ "$rc" -ne 0 ] && grep -q "storage pool" "$out"; point $? "4: refused with the pool's reason"
on A; point $? "4: the VM still runs on A"
virsh_h B pool-start "$LAB_POOL" >/dev/null
[ "$(vols B)" = "$vols_b" ]; point $? "4: nothing was created on B"
echo "1..$n"
