#!/usr/bin/env bash
# tests/e2e/test_session.sh: session continuity across an L3 migration (TAP).
# Runs bench/interruption for one L3 run at 40 % guest memory load: the lab
# with roam-ims and roam-mat on the VM and the user node, `roam migrate`
# A -> B while the user node pings the VM's home address every 10 ms and
# keeps a TCP session to it open.  Passes when the migration succeeded, the
# TCP session survived and the echo gap was measured.  Own lab state dir, so
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
IFS=, read -r _ _ _ gap survived <<<"$line"

n=0
point() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
point "$rc" "bench/interruption l3 run completed (exit $rc)"
[[ ${gap:-} =~ ^[0-9]+$ ]]; point $? "echo gap to the home address measured: ${gap:-none} ms"
[ "${survived:-0}" = 1 ]; point $? "TCP session to the home address survived the migration"
if [ "$rc" != 0 ] || [ "${survived:-0}" != 1 ]; then sed 's/^/# /' "$log" | tail -40; fi
echo "1..$n"
