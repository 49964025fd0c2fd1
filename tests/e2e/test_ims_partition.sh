#!/usr/bin/env bash
# tests/e2e/test_ims_partition.sh: the IMS on etcd when one etcd member is
# cut off by the network (TAP).  `lab/lab up --ims etcd` (3 members, each in
# a namespace of its own, and two roam-ims front-ends, one beside m0 and one
# beside m1), then m0 is cut off from the other members (the services node
# drops what it would forward to or from m0's link; m0 and its front-end
# keep running):
#   1. the other members keep serving: registrations through m1's
#      front-end are acknowledged (after the election a cut-off leader
#      forces; the time is reported);
#   2. m0's front-end refuses registrations with an error, and enrollment
#      through m0 fails, rather than acknowledging what it cannot commit;
#   3. healed, m0's front-end acknowledges again, and every member and both
#      front-ends hold the same, newest mapping.
# Its own lab state dir (ROAM_E2E_IMS_STATE, default lab/state/ims-etcd).
set -u
E2E_STATE=${ROAM_E2E_IMS_STATE:-ims-etcd}
# shellcheck source=e2e_env.sh
source "$(dirname "$0")/e2e_env.sh"
REG=${ROAM_IMS_REG:?ROAM_IMS_REG: the ims_reg test helper}

trap '"$LAB" down >/dev/null 2>&1' EXIT
# The test registers made-up mobile addresses nobody could prove: the IMS
# runs without the proof of the mobile address (the lab's default has it).
export MOB_MOA_PROOF=0

if ! "$LAB" up --ims etcd 2>&1 | diag; then echo "Bail out! lab up --ims etcd failed"; exit 1; fi
export ROAM_LAB_IMS=etcd
# shellcheck source=../../lab/lib/mobility.sh
source "$SRC/lab/lib/mobility.sh"

HOA=2001:db8:e::20 seq=$(date +%s)   # above any earlier run's on a reused lab
moa() { printf '2001:db8:c::%x' $(($1 % 65536)); }   # a distinct MoA per registration
# Register the test HoA (never the VM's) through the front-end at ADDR
# with the next sequence number; ims_reg's exit status (0 acknowledged, 3
# refused), its answer in $answer.
reg() {
    seq=$((seq + 1))
    answer=$(nsx "$NS_U" "$REG" "$1" "$MOB_IMS_PORT" "$MOB_KEYS/ca.pem" "$MOB_KEYS/vm.key" \
        "$HOA" "$seq" "$(moa "$seq")" 2>&1)
}
# The test HoA's record as member I holds it (a local read: no quorum).
held() { mob_etcdctl "$1" get --consistency=s -w json "/roam/ims/hoa/20010db8000e00000000000000000020" |
    grep -o '"mod_revision":[0-9]*,"version":[0-9]*'; }
store() { nsx "$NS_S" "$(roam_bin roam-ims)" -c "$RUN/$1.conf" "${@:2}"; }
ims_at() {
    nsx "$NS_U" "$(roam_bin roam-ims)" query "$HOA" --ims "$1" --port "$MOB_IMS_PORT" \
        --ca "$MOB_KEYS/ca.pem" 2>&1 | sed "s/^/$1: /"
}
converged() { [ -n "$(held 0)" ] && [ "$(held 0)" = "$(held 1)" ] && [ "$(held 1)" = "$(held 2)" ]; }

mob_pid_alive "$RUN/etcd-m0.pid" && mob_pid_alive "$RUN/ims.pid" && mob_pid_alive "$RUN/ims2.pid"
point $? "3 etcd members and 2 front-ends run (lab/lab status below)"
"$LAB" status 2>&1 | sed -n '/^IMS/,/mat-cn/p' | diag
store ims2 enroll "$HOA" --pubkey "$MOB_KEYS/vm.pub" >/dev/null 2>&1
point $? "test HoA $HOA enrolled through the store"
reg "$MOB_IMS_ADDR"; a=$?; reg "$MOB_IMS_ADDR2"; point $((a | $?)) "before the cut both front-ends acknowledge"

mob_etcd_isolate 0
t0=$(now_ms) ok=1
until reg "$MOB_IMS_ADDR2"; do [ $(($(now_ms) - t0)) -lt 20000 ] || break; done && ok=0
point $ok "m0 cut off: m1's front-end acknowledges (first after $(($(now_ms) - t0)) ms: $answer)"
"$LAB" status 2>&1 | grep partition | diag
reg "$MOB_IMS_ADDR"; rc=$?
point $((rc != 3)) "m0's front-end refuses the registration (exit $rc: $answer)"
mob_pid_alive "$RUN/etcd-m0.pid" && mob_pid_alive "$RUN/ims.pid"
point $? "m0 and its front-end still run (cut off by the network, not stopped)"
out=$(store ims enroll 2001:db8:e::21 --pubkey "$MOB_KEYS/vm.pub" 2>&1); rc=$?
point $((rc == 0)) "enrollment through m0 fails too ($out)"
reg "$MOB_IMS_ADDR2"; point $? "m1's front-end keeps acknowledging ($answer)"

mob_etcd_heal
t0=$(now_ms) ok=1
until reg "$MOB_IMS_ADDR"; do [ $(($(now_ms) - t0)) -lt 20000 ] || break; done && ok=0
point $ok "healed: m0's front-end acknowledges again (after $(($(now_ms) - t0)) ms)"
# Convergence: every member's own copy, and both front-ends' answers.
wait_for 10 converged
point $? "every member holds the same record ($(held 0); m1 $(held 1); m2 $(held 2))"
q1=$(ims_at "$MOB_IMS_ADDR"); q2=$(ims_at "$MOB_IMS_ADDR2")
[ -n "$q1" ] && [ "${q1#*: }" = "${q2#*: }" ] && grep -q " seq $seq .*$(moa "$seq")=active" <<<"$q1"
point $? "both front-ends answer the newest mapping (seq $seq)"
printf '%s\n%s\n' "$q1" "$q2" | diag
echo "1..$n"
