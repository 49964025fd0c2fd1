#!/usr/bin/env bash
# tests/e2e/test_tls.sh: the migration data path between providers, checked
# on the wire (TAP).  Own lab state dir (lab/state/tls).
#   1. each libvirtd listens with TLS only and admits only the other host's
#      certificate: a client certificate from the same CA with another DN
#      (the user node's) is refused by B, A's host identity is accepted;
#   2. a plain migration in clear is refused (qemu.conf migrate_tls_force),
#      the VM stays on A;
#   3. with B's migration server certificate missing, roam migrate fails
#      with a TLS error and the VM stays on A (no fallback to clear);
#   4. a random pattern in guest RAM, the migration captured on the router
#      (tcpdump -p): with TLS no 64-byte window of it is on the wire; then
#      `lab/lab roam bob` is refused and `lab/lab roam alice` moves it back;
#   5. on a lab with --no-tls: B alone forcing TLS refuses a clear
#      migration from A; then step 4 with [migration] tls = no on both roamd
#      finds the pattern, so step 4 can fail.
set -u
E2E_STATE=${ROAM_TLS_STATE:-tls}
# shellcheck source=e2e_env.sh
source "$(dirname "$0")/e2e_env.sh"
MATCH=${ROAM_WIRE_MATCH:?ROAM_WIRE_MATCH: path of wire_match}
PATTERN_MIB=16

n=0 failed=0
point() { # STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
check() { local d=$1; shift; "$@" >/dev/null 2>&1; point $? "$d"; }
diag() { sed 's/^/# /'; }
on() { [ "$(vm_host)" = "$1" ]; }

CAP_PID=
cleanup() { [ -z "$CAP_PID" ] || kill "$CAP_PID" 2>/dev/null; roam_down 2>/dev/null; "$LAB" down >/dev/null 2>&1; }
trap cleanup EXIT

lab_up() { # [--no-tls]
    "$LAB" down >/dev/null 2>&1
    if ! "$LAB" up "$@" 2>&1 | diag; then echo "Bail out! lab up $* failed"; exit 1; fi
    vm_host >/dev/null || { echo "Bail out! lab VM not running"; exit 1; }
    roam_up 2>&1 | diag
    if ! { roamd_running A && roamd_running B; }; then echo "Bail out! roamd did not start"; exit 1; fi
}

# A fresh random pattern in the guest's RAM (its root is a RAM file system),
# the same bytes on the host for the matcher.
pattern_in_guest() {
    local seed=$((RANDOM * 32768 + RANDOM))
    guest_exec 60 "pattern $seed $PATTERN_MIB /run/pattern && sync" >/dev/null &&
        "$STATE/bin/pattern" "$seed" "$PATTERN_MIB" "$RUN/pattern"
}

# tcpdump's stdout is not the caller's: a capture left running would
# otherwise hold a $(...) around it open for ever.
capture_start() { # FILE: everything on the router's link to B, not promiscuous
    ip netns exec "$NS_R" tcpdump -p -i to-b -s 0 -U -w "$1" ip6 </dev/null >/dev/null 2>"$1.log" &
    CAP_PID=$!
    wait_for 10 grep -q 'listening on' "$1.log"
}
capture_stop() { sleep 1; kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; CAP_PID=; }

# runs N bytes M of the pattern in the capture
wire_hits() { "$MATCH" "$RUN/pattern" "$1"; }

# Migrates A -> B with roam under capture; prints the matcher's answer.
captured_migration() { # NAME
    local pcap=$RUN/$1.pcap out=$RUN/$1.out
    capture_start "$pcap" || { capture_stop; echo "capture did not start"; return 1; }
    roam_migrate alice A B >"$out" 2>&1
    local rc=$?
    capture_stop
    diag <"$out" >&2
    [ $rc -eq 0 ] || { echo "roam migrate exit $rc"; return 1; }
    echo "capture $(stat -c %s "$pcap") bytes, $(wire_hits "$pcap")"
}

t0=$(now_ms)
lab_up
echo "# lab (migration TLS) and daemons up in $(( $(now_ms) - t0 )) ms"

# 1. who may open a libvirtd
for h in A B; do
    ss=$(ip netns exec "$(host_ns "$h")" ss -Hltn)
    point "$(if grep -q ':16509 ' <<<"$ss"; then echo 1; else echo 0; fi)" "1: host $h: no TCP listener for libvirt (16509)"
    point "$(grep -q "\[$(host_addr "$h")\]:16514 " <<<"$ss"; echo $?)" "1: host $h: libvirtd TLS on its lab address"
done
# Every libvirt call below is bounded (V_T seconds): a libvirtd that stops
# answering fails its point instead of hanging the test.
V_T=300
user_uri="qemu+tls://[$(host_addr B)]/system?pkipath=$(user_pki)"
out=$(timeout 60 ip netns exec "$NS_U" virsh -c "$user_uri" version 2>&1); rc=$?
point "$([ $rc -ne 0 ] && grep -q 'TLS' <<<"$out"; echo $?)" "1: user node's certificate (lab CA, DN not listed) refused by B"
diag <<<"$out"
check "1: A's host identity accepted by B (from the user node's network)" \
    timeout 60 ip netns exec "$NS_U" virsh -c "$(host_tls_uri A B)" version
check "1: A's host identity refused by A itself (A admits only B)" \
    sh -c "timeout 60 ip netns exec '$NS_U' virsh -c 'qemu+tls://[$(host_addr A)]/system?pkipath=$(host_pki A)' version; rc=\$?; [ \$rc -ne 0 ] && [ \$rc -ne 124 ]"

# 2. clear migration refused by libvirt's own setting
out=$(timeout $V_T virsh -q -c "$(host_uri A)" migrate --live --p2p --persistent --undefinesource "$VM" \
      "$(host_tls_uri A B)" 2>&1); rc=$?
point "$([ $rc -ne 0 ] && grep -q 'TLS' <<<"$out"; echo $?)" "2: plain virsh migrate in clear refused"
diag <<<"$out"
check "2: the VM still runs on A" on A

# 3. TLS impossible: failure, never clear
mig=$(host_mig_pki B)
mv "$mig/server-cert.pem" "$mig/server-cert.pem.off"
roam_migrate alice A B >"$RUN/notls.out" 2>&1
rc=$?
mv "$mig/server-cert.pem.off" "$mig/server-cert.pem"
diag <"$RUN/notls.out"
point "$([ $rc -ne 0 ] && grep -q 'TLS; never retried in clear' "$RUN/notls.out"; echo $?)" \
    "3: roam migrate fails with a TLS error when B cannot do TLS (exit $rc)"
check "3: the VM still runs on A" on A
check "3: A's audit: failed, \"tls\":true" grep -q '"event":"migrate".*"outcome":"failed".*"tls":true' "$(roamd_audit A)"

# 4. TLS on the wire
if pattern_in_guest; then
    res=$(captured_migration tls); rc=$?
    echo "# with TLS: $res"
    point $rc "4: roam migrate A -> B under capture"
    check "4: the VM runs on B" on B
    size=$(stat -c %s "$RUN/tls.pcap" 2>/dev/null || echo 0)
    point "$([ "$size" -gt $((PATTERN_MIB * 1048576)) ]; echo $?)" "4: the capture holds the migration ($size bytes)"
    point "$(grep -q 'runs 0 bytes 0' <<<"$res"; echo $?)" "4: no 64-byte window of the pattern on the wire"
    point "$(grep '"outcome":"migrated"' "$(roamd_audit A)" | grep -q '"tls":true'; echo $?)" "4: the migrated record has \"tls\":true"
    # The lab's user interface on the same daemons: bob refused, alice back.
    out=$("$LAB" roam bob 2>&1); rc=$?
    diag <<<"$out"
    point "$([ $rc -ne 0 ] && grep -q "accept policy" <<<"$out"; echo $?)" "4: lab/lab roam bob: refused with the reason (exit $rc)"
    check "4: after bob's refusal the VM still runs on B" on B
    "$LAB" roam alice >"$RUN/alice.out" 2>&1; rc=$?
    diag <"$RUN/alice.out"
    point "$([ $rc -eq 0 ] && on A; echo $?)" "4: lab/lab roam alice: back to A over TLS (exit $rc)"
else
    point 1 "4: pattern written into the guest"
fi

# 5. the same in clear: the test can fail
t0=$(now_ms)
lab_up --no-tls
echo "# lab (migration in clear) and daemons up in $(( $(now_ms) - t0 )) ms"

# 5a. a destination that forces TLS refuses a clear migration by itself,
# whatever the source's libvirt allows
libvirtd_restart_b() { libvirtd_stop B; libvirtd_start B; libvirtd_wait B; }
# B's roamd is stopped meanwhile: its qemu hook would refuse first (no
# admission), and this is libvirt's own refusal.
roamd_stop B
LAB_TLS_FORCE=1 libvirtd_restart_b
mapfile -t disk_args < <(baseline_disk_args A B)
out=$(timeout $V_T virsh -q -c "$(host_uri A)" migrate --live --p2p --persistent --undefinesource "${disk_args[@]}" "$VM" \
      "$(host_tls_uri A B)" 2>&1); rc=$?
point "$([ $rc -ne 0 ] && grep -q 'TLS' <<<"$out"; echo $?)" "5: B with migrate_tls_force refuses a clear migration from A"
diag <<<"$out"
check "5: the VM still runs on A" on A
libvirtd_restart_b
roamd_start B
if pattern_in_guest; then
    res=$(captured_migration clear); rc=$?
    echo "# in clear: $res"
    point $rc "5: roam migrate A -> B in clear under capture"
    check "5: the VM runs on B" on B
    bytes=$(sed -n 's/.*runs [0-9]* bytes \([0-9]*\).*/\1/p' <<<"$res")
    point "$([ "${bytes:-0}" -gt $((PATTERN_MIB * 1048576 / 2)) ]; echo $?)" \
        "5: in clear, most of the pattern is on the wire (${bytes:-0} bytes)"
    point "$(grep '"outcome":"migrated"' "$(roamd_audit A)" | grep -q '"tls":false'; echo $?)" "5: the migrated record has \"tls\":false"
    check "5: roamd on A warned at start that migration data goes in clear" \
        grep -q 'tls = no: VM memory and disks cross in clear' "$(roamd_log A)"
else
    point 1 "5: pattern written into the guest"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
