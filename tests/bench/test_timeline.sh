#!/bin/sh
# bench/interruption/timeline without the lab: a run's evidence made up by
# hand (a ping log, a destination host's and the router's captures) must
# give the RARP and, from the router's capture, the switch's path across
# the WAN: the registration, the IMS's push and the first request to the
# new address and its reply, each as it arrives and as it leaves.
# usage: test_timeline.sh TIMELINE
TIMELINE=$1
T=$(mktemp -d /tmp/roam-timeline-test.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

if ! command -v tcpdump >/dev/null 2>&1; then
    echo "1..0 # SKIP tcpdump is not installed"
    exit 0
fi

# Replies at 100.000 and 100.010, none until 100.500: the gap starts at
# 100.010, so every event below reads as ms after it.
printf '[100.000000] 64 bytes from 2001:db8:e::10: icmp_seq=1 ttl=64 time=1 ms\n' >"$T/ping.l3wan.40.1"
printf '[100.010000] 64 bytes from 2001:db8:e::10: icmp_seq=2 ttl=64 time=1 ms\n' >>"$T/ping.l3wan.40.1"
printf '[100.500000] 64 bytes from 2001:db8:e::10: icmp_seq=3 ttl=64 time=1 ms\n' >>"$T/ping.l3wan.40.1"
python3 - "$T" <<'PY'
import socket, struct, sys
d = sys.argv[1]
MAC = bytes.fromhex("525400520a02")
def ip6(a): return socket.inet_pton(socket.AF_INET6, a)
def v6(src, dst, nh, payload):
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, 64) + ip6(src) + ip6(dst) + payload
def echo(src, dst, reply):
    return v6(src, dst, 58, struct.pack("!BBHHH", 129 if reply else 128, 0, 0, 7, 1) + bytes(8))
def udp(src, sp, dst, dp, n):
    return v6(src, dst, 17, struct.pack("!HHHH", sp, dp, 8 + n, 0) + bytes(n))
def tcp_push(src, sp, dst, dp, n):
    return v6(src, dst, 6, struct.pack("!HHIIBBHHH", sp, dp, 1, 1, 5 << 4, 0x18, 1000, 0, 0) + bytes(n))
RARP = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 3) + MAC + bytes(4) + MAC + bytes(4)
def pcap(name, pkts):
    with open("%s/%s" % (d, name), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 276))   # LINUX_SLL2
        for t, kind, proto, data in pkts:   # kind: 0 in, 1 broadcast, 4 out
            frame = struct.pack("!HHIHBB", proto, 0, 1, 1, kind, 6) + MAC + bytes(2) + data
            f.write(struct.pack("<IIII", int(t), round((t - int(t)) * 1e6), len(frame), len(frame)))
            f.write(frame)
IN, BC, OUT, V6 = 0, 1, 4, 0x86dd
OLD, NEW, USER, IMS, HOST = "2001:db8:a::1", "2001:db8:b::1", "2001:db8:c::2", "2001:db8:d::2", "2001:db8:b::2"
pcap("cap.lab-b.l3wan.40.1.pcap", [(100.300, BC, 0x8035, RARP)])
pcap("cap.lab-r.l3wan.40.1.pcap", [
    (100.100, IN, V6, echo(USER, OLD, False)),
    (100.300, BC, 0x8035, RARP),
    (100.301, IN, V6, udp(HOST, 5000, IMS, 4780, 200)),
    (100.314, OUT, V6, udp(HOST, 5000, IMS, 4780, 200)),
    (100.318, IN, V6, tcp_push(IMS, 4780, USER, 50000, 88)),
    (100.331, OUT, V6, tcp_push(IMS, 4780, USER, 50000, 88)),
    (100.333, IN, V6, echo(USER, OLD, False)),     # sent before the user node switched
    (100.340, IN, V6, echo(USER, NEW, False)),
    (100.353, OUT, V6, echo(USER, NEW, False)),
    (100.480, IN, V6, echo(NEW, USER, True)),
    (100.493, OUT, V6, echo(NEW, USER, True)),
])
PY
ok $? "the evidence is written"

out=$("$TIMELINE" "$T" l3wan 40 1)
ok $? "timeline reads it"
printf '%s\n' "$out" | sed 's/^/# /'
has() { printf '%s\n' "$out" | grep -qE -- "$1"; ok $? "$2"; }
has '^longest gap 490\.0 ms$' "the longest gap"
has '^ +290\.0  RARP$' "QEMU's RARP on the destination host"
has '^ +291\.0  router in: registration$' "the registration as it reaches the router"
has '^ +304\.0  router out: registration$' "... and as it leaves it for the IMS"
has '^ +308\.0  router in: IMS push$' "the IMS's push as it reaches the router"
has '^ +321\.0  router out: IMS push$' "... and as it leaves it for the user node"
has '^ +330\.0  router in: request to new$' "the first request to another address than before"
has '^ +343\.0  router out: request to new$' "... as it leaves for the VM"
has '^ +470\.0  router in: reply from new$' "the first reply from the new address"
has '^ +483\.0  router out: reply from new$' "... as it leaves for the user node"
printf '%s\n' "$out" | grep -q '323\.0'
ok $((! $?)) "a request to the old address after the push is not the switch"
expect 2 "bad usage is refused" "$TIMELINE" "$T" l3wan 40
tap_done
