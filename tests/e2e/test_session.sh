#!/usr/bin/env bash
# tests/e2e/test_session.sh: session continuity across an L3 migration (TAP).
# Runs bench/interruption for one L3 run at 40 % guest memory load: the lab
# with roam-ims and roam-mat on the VM and the user node, `roam migrate`
# A -> B while the user node pings the VM's home address every 10 ms and
# keeps a TCP session to it open.  Passes when the migration succeeded, the
# TCP session survived, the echo gap was measured and the VM's switch
# registration went to the IMS from the destination host (the handover),
# attested by that host (MOB_MOA_PROOF, on by default).  Own lab state dir, so
# it never touches a developer's lab or the other e2e test's.
set -u
if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP needs root (lab namespaces, libvirtd)"; exit 0; fi
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export ROAM_LAB_STATE=${ROAM_SESSION_STATE:-$SRC/lab/state/session}
export ROAM_LAB_CACHE=${ROAM_LAB_CACHE:-$SRC/lab/state/cache}
export ROAM_NO_BUILD=${ROAM_BUILD:+1}

csv=$(mktemp) log=$(mktemp)
trap 'rm -f "$csv" "$log"' EXIT
"$SRC/bench/interruption/interruption" --runs 1 --ram 40 --cases l3 --vm-mib 128 >"$csv" 2>"$log"
rc=$?
line=$(grep '^l3,40,1,' "$csv")
IFS=, read -r _ _ _ _ _ _ gap _ survived _ <<<"$line"   # the bench's CSV columns

n=0
point() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
point "$rc" "bench/interruption l3 run completed (exit $rc)"
[[ ${gap:-} =~ ^[0-9]+$ ]]; point $? "echo gap to the home address measured: ${gap:-none} ms"
[ "${survived:-0}" = 1 ]; point $? "TCP session to the home address survived the migration"
# The handover end to end: the VM offered its switch registration on its
# secondary NIC, the source's roamd forwarded it, the destination's sent it
# to the IMS (at libvirt's pause), and the IMS stored it from the host's address.
# The newest run: ls -t sorts by time, and bench/interruption names its
# folders with a date, so the names have no odd characters.
# shellcheck disable=SC2012
ev=$(ls -dt "$ROAM_LAB_STATE"/bench-interruption/*/ 2>/dev/null | head -n 1)
grep -q '"event":"handover".*"outcome":"sent".*"ims_answered":true' "$ev/audit-dst.l3.40.1.jsonl" 2>/dev/null
point $? "the destination's roamd sent the VM's registration and the IMS answered"
# switch_at = pause (the default): the source saw libvirt pause the VM for
# its last copy and said so; the destination sent the handover then.
grep -q '"event":"handover".*"at":"pause"' "$ev/audit-dst.l3.40.1.jsonl" 2>/dev/null &&
    grep -q '"switch_now_sent":true' "$ev/audit-src.l3.40.1.jsonl" 2>/dev/null
point $? "the handover went out at libvirt's pause, before the RARP (switch_at = pause)"
# With the proof of the mobile address (MOB_MOA_PROOF, on by default) the
# destination attests the address it checked, so the IMS takes the host's
# copy without a challenge; without the proof it needs none.
grep -q "registered .* 1 address(es), active 2001:db8:b:.* (from \[2001:db8:b::2\]" "$ev/ims.l3.40.1.log" 2>/dev/null
point $? "the IMS stored the switch from the destination host before the VM sent it"
if [ "${MOB_MOA_PROOF:-1}" != 0 ]; then
    # (the host's copy, stored above, was proven by nothing else: before
    # the move the VM could not answer for the new address)
    grep -q '"event":"handover".*"attested":true' "$ev/audit-dst.l3.40.1.jsonl" 2>/dev/null
    point $? "the destination attested the new address, which the IMS took as its proof"
fi
if [ "$rc" != 0 ] || [ "${survived:-0}" != 1 ]; then sed 's/^/# /' "$log" | tail -40; fi
echo "1..$n"
