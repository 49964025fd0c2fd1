#!/usr/bin/env bash
# tests/e2e/test_session_etcd.sh: session continuity with the IMS on etcd
# (TAP).  bench/interruption with ROAM_LAB_IMS=etcd (3 etcd members, two
# roam-ims front-ends; the agents know the second as [ims] fallback), two
# L3 runs at a light guest memory load (10 %: the point is the IMS, and a
# loaded TCG guest may not converge on a busy machine), A -> B then B -> A,
# the user node
# pinging the VM's home address and holding a TCP session to it:
#   run 1: the session survives, the destination's roamd sent the VM's
#          switch registration to the IMS, and the correspondent ends with
#          the store's mapping;
#   run 2: the front-end the VM's agent and the correspondent use is
#          SIGKILLed once the copy started (before the switch): the
#          session survives, both agents move to the other front-end, and
#          the correspondent ends with the store's mapping.
# Its own lab state dir (ROAM_SESSION_ETCD_STATE, default
# lab/state/session-etcd).
set -u
E2E_STATE=${ROAM_SESSION_ETCD_STATE:-session-etcd}
# shellcheck source=e2e_env.sh
source "$(dirname "$0")/e2e_env.sh"
export ROAM_LAB_IMS=etcd
# Without the proof of the mobile address (the lab's default has it): once
# its front-end is killed, the VM's agent registers over TLS only, where a
# new address cannot be proven (docs/mobility.md, "Limits and open points").
export MOB_MOA_PROOF=0
HOA=${ROAM_LAB_HOA:-2001:db8:e::10} LOAD=10

csv=$(mktemp) log=$(mktemp)
trap 'rm -f "$csv" "$log"' EXIT
"$SRC/bench/interruption/interruption" --runs 2 --ram "$LOAD" --cases l3 --vm-mib 128 --kill-ims 2 \
    >"$csv" 2>"$log"
rc=$?
# The newest run's evidence (bench/interruption names its folders with a
# date, so ls -t is safe here).
# shellcheck disable=SC2012
ev=$(ls -dt "$STATE"/bench-interruption/*/ 2>/dev/null | head -n 1)

n=0 failed=0
point() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
# The correspondent's last rule for the HoA and the store's active MoA.
cn_moa() { sed -n "s/.*rules: $HOA -> \([0-9a-f:]*\) .*/\1/p" "$ev/mat-cn.l3.$LOAD.$1.log" | tail -n 1; }
store_moa() { sed -n 's/.* \([0-9a-f:]*\)=active.*/\1/p' "$ev/query.l3.$LOAD.$1" 2>/dev/null; }
same_mapping() { # RUN
    local a b; a=$(cn_moa "$1") b=$(store_moa "$1")
    [ -n "$a" ] && [ "$a" = "$b" ]
    point $? "run $1: the correspondent ends with the store's mapping ($HOA -> ${a:-none}; store: ${b:-none})"
}

point "$rc" "bench/interruption, two l3 runs on etcd, completed (exit $rc)"
for r in 1 2; do
    IFS=, read -r _ _ _ from to _ gap _ survived _ <<<"$(grep "^l3,$LOAD,$r," "$csv")"
    [[ ${gap:-} =~ ^[0-9]+$ ]]
    point $? "run $r (${from:-?} -> ${to:-?}): the migration succeeded (echo gap to the home address ${gap:-none} ms)"
    [ "${survived:-0}" = 1 ]
    point $? "run $r: TCP session to the home address survived"
    [ "$r" = 2 ] || {
        grep -q '"event":"handover".*"outcome":"sent".*"ims_answered":true' "$ev/audit-dst.l3.$LOAD.1.jsonl" 2>/dev/null
        point $? "run 1: the destination's roamd sent the VM's registration and the IMS answered"
    }
    same_mapping "$r"
done
# Before the switch: the destination's registration then went to the dead
# front-end and was not answered (whether the job still ran when virsh was
# asked again after the kill is only logged: on a loaded host that second
# question can come after the job's end).
grep -q "SIGKILLed during the copy" "$log" &&
    grep -q '"event":"handover".*"ims":"2001:db8:d::2".*"ims_answered":false' "$ev/audit-dst.l3.$LOAD.2.jsonl" 2>/dev/null
point $? "run 2: the agents' front-end was SIGKILLed during the copy, before the switch (the destination's registration to it went unanswered)"
# Each agent's front-end: the last it connected to, after run 1 (before the
# kill) and after run 2.
on() { sed -n 's/.*connected to the IMS \([0-9a-f:]*\).*/\1/p' "$ev/$1" 2>/dev/null | tail -n 1; }
for a in mat-cn:correspondent guest-mat:"VM's agent"; do
    b=$(on "${a%%:*}.l3.$LOAD.1.log") c=$(on "${a%%:*}.l3.$LOAD.2.log")
    [ "$b" = 2001:db8:d::2 ] && [ "$c" = 2001:db8:d::3 ]
    point $? "run 2: the ${a#*:} moved from the killed front-end to the other (${b:-none} -> ${c:-none})"
done
grep -q "registered $HOA .* active 2001:db8:" "$ev/ims2.l3.$LOAD.2.log" 2>/dev/null
point $? "run 2: the other front-end stored the VM's switch"
grep -E 'SIGKILL|case l3' "$log" | sed 's/^/# /'
if [ "$failed" != 0 ] || [ "$rc" != 0 ]; then tail -40 "$log" | sed 's/^/# /'; fi
echo "1..$n"
