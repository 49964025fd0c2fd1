#!/usr/bin/env bash
# tests/e2e/test_disk_base.sh: a disk that is a qcow2 overlay on a base
# image both providers hold moves incrementally (TAP).  Own lab state dir
# (lab/state/disk-base-e2e), `lab/lab up --disk 1024 --base`: a 64 MiB raw
# base with 32 MiB of random data in each host's base dir, the guest's
# disk a 1 GiB overlay on A's copy:
#   1. roam migrate A -> B: B finds the same base by its digest, only the
#      overlay's data crosses (< 16 MiB of disk data on the router), B's
#      image is an overlay on B's own base, the guest's records and the
#      base's data read back intact;
#   2. back B -> A while the guest logs records: every acknowledged record
#      is there;
#   3. one byte of B's base changed: B answers "full", the whole disk
#      (base data included) crosses, and nothing read in the guest differs.
set -u
E2E_STATE=${ROAM_DISK_BASE_STATE:-disk-base-e2e}
# shellcheck source=e2e_env.sh
source "$(dirname "$0")/e2e_env.sh"

cleanup() { roam_down 2>/dev/null; [ -n "${ROAM_DISK_KEEP_LAB:-}" ] || "$LAB" down >/dev/null 2>&1; }
trap cleanup EXIT

[ -n "${ROAM_DISK_KEEP_LAB:-}" ] || "$LAB" down >/dev/null 2>&1
if ! "$LAB" up --disk 1024 --base 2>&1 | diag; then echo "Bail out! lab up failed"; exit 1; fi
roam_up 2>&1 | diag
if ! { roamd_running A && roamd_running B; }; then echo "Bail out! roamd did not start"; exit 1; fi

on() { [ "$(vm_host)" = "$1" ]; }
rx_from() { ip netns exec "$NS_R" cat "/sys/class/net/to-${1,,}/statistics/rx_bytes"; }
out=$RUN/disk-base-e2e.out
G() { guest_exec 120 "$@"; }
# The base's data region, as the guest reads it and as the base holds it.
BASE_BYTES=$((LAB_BASE_DATA_MIB << 20))
want_md5=$(head -c "$BASE_BYTES" "$(base_image A)" | md5sum | awk '{print $1}')
guest_md5() { G "head -c $BASE_BYTES /dev/vda | md5sum" | awk '{print $1}'; }
# Disk bytes of the last migration: router bytes from SRC minus memory.
disk_sent() { # SRC BEFORE
    local mem; mem=$(sed -n 's/.*"memory":{"total":[0-9]*,"processed":\([0-9]*\).*/\1/p' "$out")
    echo $(( $(rx_from "$1") - $2 - ${mem:-0} ))
}
# The backing file of host H's newest image of the guest ("" if none).
newest_backing() {
    local v; v=$(find "$(pool_dir_real "$1")" -name "$VM-vda-*.qcow2" -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)
    [ -n "$v" ] && qemu-img info -U --output=json "$v" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("backing-filename", ""))'
}
acked() { G "pkill diskrec; sleep 0.2; tail -n 1 /tmp/acks" 2>/dev/null | awk '/^ack / {print $2}'; }

# 1. incremental A -> B
G "diskrec write /dev/vda 0 10 >/tmp/acks 2>&1 &" >/dev/null
sleep 2
last=$(acked)
before=$(rx_from A)
roam_migrate alice A B --json >"$out" 2>&1; rc=$?
diag <"$out"
point $rc "1: roam migrate A -> B, the disk an overlay on a base both hold (exit $rc)"
on B; point $? "1: the VM runs on B"
disk=$(disk_sent A "$before")
[ "$disk" -lt $((16 << 20)) ]
point $? "1: $((disk >> 20)) MiB of disk data crossed (< 16 MiB; the base holds $LAB_BASE_DATA_MIB MiB)"
grep -q '"disks":{"vda":{.*"mode":"incremental"' "$(roamd_audit A)"
point $? "1: A's audit records the incremental copy"
[ "$(newest_backing B)" = "$(base_image B)" ]
point $? "1: B's image is an overlay on B's own base ($(newest_backing B))"
G diskrec verify /dev/vda 0 "${last:-0}" >"$out" 2>&1; rc=$?
diag <"$out"
point $rc "1: records 0..${last:-none} intact on B"
[ "$(guest_md5)" = "$want_md5" ]; point $? "1: the base's data reads back intact on B"

# 2. B -> A while the guest logs records
G "diskrec write /dev/vda $((${last:-0} + 1)) 10 >/tmp/acks 2>&1 &" >/dev/null
sleep 2
roam_migrate alice B A --json >"$out" 2>&1; rc=$?
diag <"$out"
point $rc "2: roam migrate B -> A while the guest logs records (exit $rc)"
sleep 1
last=$(acked)
G diskrec verify /dev/vda 0 "${last:-0}" >"$out" 2>&1; rc=$?
diag <"$out"
point $rc "2: every acknowledged record (0..${last:-none}) is on the disk, intact"
[ "$(guest_md5)" = "$want_md5" ]; point $? "2: the base's data reads back intact on A"

# 3. B's base differs in one byte: a full copy
printf '\x5a' | dd of="$(base_image B)" bs=1 seek=$((1 << 20)) conv=notrunc status=none
before=$(rx_from A)
roam_migrate alice A B --json >"$out" 2>&1; rc=$?
diag <"$out"
point $rc "3: roam migrate A -> B with a base that differs on B (exit $rc)"
disk=$(disk_sent A "$before")
[ "$disk" -ge $(((LAB_BASE_DATA_MIB - 2) << 20)) ]
point $? "3: the whole disk crossed: $((disk >> 20)) MiB of disk data"
tail -n 5 "$(roamd_audit B)" | grep -q '"base":"none matching here: full copy"'
point $? "3: B's audit says no base matched"
[ -z "$(newest_backing B)" ]; point $? "3: B's image stands alone (no backing file)"
G diskrec verify /dev/vda 0 "${last:-0}" >"$out" 2>&1; rc=$?
diag <"$out"
point $rc "3: records 0..${last:-none} intact on B"
[ "$(guest_md5)" = "$want_md5" ]; point $? "3: the disk reads A's base data on B, not B's changed copy"
echo "1..$n"
