#!/bin/sh
# roam-ims and two roam-mat agents (mobile node, correspondent) in four
# network namespaces around a router: pre-registration of a new address,
# a primary-link failure that moves a live TCP session and a 10 ms ping to
# the other mobile address (switch time measured), a SIGKILLed correspondent
# agent restarting onto a consistent table, a switch on QEMU's announcement
# (RARP of the node's own MAC) and one undone because the standby network
# does not answer, replies steered to the standby NIC for peers heard there,
# the switch registration offered to the hosts (handover) and sent by a
# host ahead of the VM, receive processing in NAPI threads at the agent's
# priority, and removal (and putting back) on exit.
# Usage: test_agents.sh ROAM_IMS ROAM_MAT MOB_PKI
set -u
IMS_BIN=$1 MAT_BIN=$2 PKI_BIN=$3
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi

N=0 FAIL=0
ok() { N=$((N + 1)); if [ "$1" = 0 ]; then echo "ok $N - $2"; else FAIL=$((FAIL + 1)); echo "not ok $N - $2"; fi; }
diag() { echo "# $*"; }

P=rm$$                              # namespace prefix, unique per run
R=$P-r C=$P-c M=$P-m S=$P-s
D=$(mktemp -d /tmp/roam-mob-agents.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    sleep 0.2
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
    for ns in $C $M $S $R; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

x() { ns=$1; shift; ip netns exec "$ns" "$@"; }
for ns in $R $C $M $S; do ip netns add "$ns" && x "$ns" ip link set lo up || exit 1; done
x $R sysctl -qw net.ipv6.conf.all.forwarding=1
link() {   # link NS IFNAME RIFNAME PREFIX HOST
    ip -n "$R" link add "$3" type veth peer name "$2" netns "$1"
    ip -n "$R" link set "$3" up
    ip -n "$R" addr add "$4::1/64" dev "$3" nodad
    x "$1" ip link set "$2" up
}
link $C eth0 r-c 2001:db8:c && x $C ip addr add 2001:db8:c::2/64 dev eth0 nodad &&
    x $C ip -6 route add default via 2001:db8:c::1
link $S eth0 r-s 2001:db8:f && x $S ip addr add 2001:db8:f::2/64 dev eth0 nodad &&
    x $S ip -6 route add default via 2001:db8:f::1
link $M eth0 r-m0 2001:db8:a && x $M ip addr add 2001:db8:a::5/64 dev eth0 nodad &&
    x $M ip -6 route add default via 2001:db8:a::1 metric 100
link $M eth1 r-m1 2001:db8:b                 # the secondary NIC: up, no address yet
ok $? "four namespaces around a router"
# A veth polls with NAPI only with GRO on: then the agent can thread it.
x $M ethtool -K eth0 gro on && x $M ethtool -K eth1 gro on
ok $? "the mobile node's veths receive through NAPI (GRO on)"

# ---- IMS ----
"$PKI_BIN" "$D" "IP:2001:db8:f::2" && "$MAT_BIN" keygen --key "$D/mn.key" --pub "$D/mn.pub" &&
    "$MAT_BIN" keygen --key "$D/ims-ack.key" --pub "$D/ims-ack.pub" &&
    (umask 077 && head -c 32 /dev/urandom >"$D/moa.secret")
ok $? "test PKI, the mobile node's and the IMS's ack key pairs, the MoA token secret"
cat >"$D/ims.conf" <<CONF
[ims]
listen = 2001:db8:f::2
cert = $D/ims.pem
key = $D/ims.key
database = $D/ims.sqlite
ack_key = $D/ims-ack.key
moa_secret = $D/moa.secret
open_queries = 1
[enroll]
vm = 2001:db8:d::10 $D/mn.pub
CONF
# Background jobs run `ip netns exec` directly (it execs the program), so $!
# is the program itself and cleanup can kill it.
ip netns exec $S "$IMS_BIN" -v -c "$D/ims.conf" 2>"$D/ims.log" & IMS=$!; PIDS="$PIDS $IMS"

common() { cat <<CONF
[ims]
address = 2001:db8:f::2
ca = $D/ca.pem
retry_max_ms = 500
CONF
}
{ printf '[agent]\nmode = mobile\ntable = roam_mat_t\nnice = -5\n'; common
  printf '[mobile]\nhoa = 2001:db8:d::10\nkey = %s/mn.key\ninterfaces = eth0 eth1\n' "$D"
  printf '[ims]\nack_pubkey = %s/ims-ack.pub\n' "$D"; } >"$D/mn.conf"
{ printf '[agent]\nmode = correspondent\ntable = roam_mat_t\n'; common
  printf '[correspondent]\nhoas = 2001:db8:d::10\n'; } >"$D/cn.conf"

wait_log() {   # wait_log FILE PATTERN [TENTHS]
    i=0; while [ $i -lt "${3:-50}" ]; do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; i=$((i + 1)); done
    return 1
}
wait_log "$D/ims.log" "serving on port"; ok $? "roam-ims serving"

ip netns exec $M "$MAT_BIN" -v -c "$D/mn.conf" 2>"$D/mn.log" & MN=$!; PIDS="$PIDS $MN"
wait_log "$D/ims.log" "registered 2001:db8:d::10 .* active 2001:db8:a::5"
ok $? "mobile node registered a::5 as active"
[ "$(x $M cat /sys/class/net/eth0/threaded)" = 1 ] && [ "$(x $M cat /sys/class/net/eth1/threaded)" = 1 ] &&
    grep -q "receive processing of eth0, eth1 in NAPI threads" "$D/mn.log"
ok $? "receive processing of eth0 and eth1 in NAPI threads"
napi_nices() { for t in $NAPI_TIDS; do ps -o ni= -p "$t"; done | tr -d ' ' | sort -u | tr '\n' ' '; }
NAPI_TIDS=$(ps -eo pid=,comm= | awk '$2 ~ /^napi\/eth[01]-/ { print $1 }')
[ -n "$NAPI_TIDS" ] && [ "$(napi_nices)" = "-5 " ]
ok $? "their threads run at the agent's priority, nice -5 ($(napi_nices))"
ip netns exec $C "$MAT_BIN" -c "$D/cn.conf" 2>"$D/cn.log" & CN=$!; PIDS="$PIDS $CN"
wait_log "$D/cn.log" "rules: 2001:db8:d::10 -> 2001:db8:a::5"
ok $? "correspondent subscribed and translates HoA -> a::5"
seccomp_mode() { awk '$1 == "Seccomp:" { print $2 }' "/proc/$1/status" 2>/dev/null; }
[ "$(seccomp_mode $IMS)$(seccomp_mode $MN)$(seccomp_mode $CN)" = 222 ]
ok $? "roam-ims and both agents serve under their seccomp filter"
x $M ip addr show dev lo | grep -q "2001:db8:d::10/128"
ok $? "HoA configured on lo by the agent"
x $M ip -6 route show proto 82 | grep -q "default via 2001:db8:a::1 dev eth0 metric 1"
ok $? "the agent's default route goes through the active NIC (eth0)"
x $C ping -c 2 -i 0.2 -W 1 2001:db8:d::10 >/dev/null
ok $? "ping to the HoA from the correspondent"

# ---- a live TCP session ----
cat >"$D/tcp.py" <<'PY'
import socket, sys, time
if sys.argv[1] == "server":
    s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("2001:db8:d::10", 7412)); s.listen(1); c, _ = s.accept()
    while True:
        b = c.recv(4096)
        if not b: break
        c.sendall(b)
else:
    c = socket.create_connection(("2001:db8:d::10", 7412), timeout=5)
    end = time.time() + float(sys.argv[2]); n = 0; gap = 0.0; last = time.time()
    try:
        while time.time() < end:
            c.sendall(b"%08d" % n); got = b""
            while len(got) < 8: 
                r = c.recv(8 - len(got))
                if not r: raise ConnectionError("closed")
                got += r
            t = time.time(); gap = max(gap, t - last); last = t; n += 1; time.sleep(0.01)
        print("status=ok rounds=%d longest_gap_ms=%d" % (n, gap * 1000))
    except Exception as e:
        print("status=%s rounds=%d" % (type(e).__name__, n)); sys.exit(1)
PY
ip netns exec $M python3 "$D/tcp.py" server & PIDS="$PIDS $!"
# The client must not race the server's start (python3 is slow to start on
# a loaded machine).
for _ in $(seq 50); do
    ip netns exec $M ss -Hltn 'sport = :7412' | grep -q . && break
    sleep 0.1
done
ip netns exec $C python3 "$D/tcp.py" client 6 >"$D/tcp.out" 2>&1 & TCP=$!; PIDS="$PIDS $TCP"
PING_T0=$(date +%s.%N)
ip netns exec $C ping -i 0.01 -W 1 -w 5 -D 2001:db8:d::10 >"$D/ping.out" 2>&1 & PING=$!; PIDS="$PIDS $PING"
sleep 1

# ---- pre-registration: the secondary NIC gets an address in a new prefix ----
x $M ip addr add 2001:db8:b::5/64 dev eth1 nodad && x $M ip -6 route add default via 2001:db8:b::1 metric 200
wait_log "$D/ims.log" "registered 2001:db8:d::10 .* 2 address(es), active 2001:db8:a::5"
ok $? "new address pre-registered as standby"
wait_log "$D/cn.log" "(2 address(es))"
ok $? "correspondent accepts both mobile addresses"
sleep 0.5

# ---- the primary link goes down: switch ----
T0=$(date +%s%3N)
diag "primary link down $(python3 -c "print('%.2f' % ($T0 / 1000 - $PING_T0))") s into the ping run"
ip -n $R link set r-m0 down
wait_log "$D/cn.log" "rules: 2001:db8:d::10 -> 2001:db8:b::5" 30
ok $? "primary link down: correspondent now translates HoA -> b::5"
wait_log "$D/mn.log" "default route via 2001:db8:b::1 dev eth1" 10 &&
    x $M ip -6 route show proto 82 | grep -q "default via 2001:db8:b::1 dev eth1 metric 1"
ok $? "the agent's default route moved to eth1"
wait_log "$D/mn.log" "acknowledged seq [0-9]* in [0-9]* ms (datagram) (switch)" 10
ok $? "the switch was registered by datagram and the IMS's signed ack accepted"
T1=$(date +%s%3N)
diag "link down -> correspondent rules switched (polling, 100 ms grain): $((T1 - T0)) ms"
# From the agents' own millisecond log stamps: link down seen by the mobile
# node -> rules switched on the correspondent.
python3 - "$D/mn.log" "$D/cn.log" <<'PY'
import re, sys, datetime
def stamp(path, pat):
    for line in open(path):
        if re.search(pat, line):
            return datetime.datetime.strptime(line.split()[0], "%Y-%m-%dT%H:%M:%S.%fZ")
down = stamp(sys.argv[1], "link eth0 down")
cn = stamp(sys.argv[2], "rules: 2001:db8:d::10 -> 2001:db8:b::5")
if down and cn:
    print("# switch: mobile node saw link down -> correspondent rules updated: %d ms"
          % ((cn - down).total_seconds() * 1000))
PY

wait $TCP; TCPRC=$?
diag "tcp: $(cat "$D/tcp.out")"
ok $TCPRC "TCP session to the HoA survived the switch"
wait $PING
# Gaps between replies (and from the start of the run), and the last reply:
# replies must go on after the switch.
python3 - "$D/ping.out" "$PING_T0" <<'PY'
import re, sys
ts = [float(sys.argv[2])]
ts += [float(m.group(1)) for m in re.finditer(r"^\[(\d+\.\d+)\].*bytes from", open(sys.argv[1]).read(), re.M)]
gap, at = max((b - a, a) for a, b in zip(ts, ts[1:]))
print("# ping every 10 ms: %d replies, longest gap %.0f ms at %.2f s, last reply at %.2f s"
      % (len(ts) - 1, gap * 1000, at - ts[0], ts[-1] - ts[0]))
PY

# ---- a killed correspondent agent, restarted ----
kill -9 $CN; wait $CN 2>/dev/null
x $C nft list table ip6 roam_mat_t >/dev/null 2>&1
ok $? "SIGKILLed agent left its table (as expected)"
ip netns exec $C "$MAT_BIN" -c "$D/cn.conf" 2>"$D/cn2.log" & CN=$!; PIDS="$PIDS $CN"
wait_log "$D/cn2.log" "rules: 2001:db8:d::10 -> 2001:db8:b::5"
ok $? "restarted agent re-created the table and got the current mapping"
[ "$(x $C nft list tables | grep -c roam_mat_t)" = 1 ] &&
    [ "$(x $C nft list map ip6 roam_mat_t hoa2moa | grep -c 'elements = { 2001:db8:d::10 : 2001:db8:b::5 }')" = 1 ]
ok $? "exactly one table, one HoA entry"
x $C ping -c 2 -i 0.2 -W 1 2001:db8:d::10 >/dev/null
ok $? "ping to the HoA through the new address"

# ---- QEMU's announcement after a move: the switch needs no link change ----
# (an interface taken down loses its IPv6 addresses: the router's comes back)
# The agent offers the hosts the switch registration as soon as a::5 is a
# standby address again: capture that.
x $M timeout 30 tcpdump -ni eth0 -U -w "$D/ho.pcap" "udp dst port 7410" 2>/dev/null &
HODUMP=$!
sleep 0.5
ip -n $R link set r-m0 up && ip -n $R addr add 2001:db8:a::1/64 dev r-m0 nodad
wait_log "$D/ims.log" "registered 2001:db8:d::10 .* 2 address(es), active 2001:db8:b::5" 50
ok $? "primary link back: a::5 registered as standby"
# ---- replies follow the request to the standby NIC, before any switch ----
steer_ready() { x $M ip -6 rule show | grep -q "fwmark 0x726f616d lookup 82" &&
    x $M ip -6 route show table 82 | grep -q "default via 2001:db8:a::1 dev eth0"; }
i=0; while [ $i -lt 50 ] && ! steer_ready; do sleep 0.1; i=$((i + 1)); done
steer_ready; ok $? "steering rule and table 82 point at the standby NIC's router (eth0)"
x $R timeout 5 tcpdump -ni r-m0 -c 1 -w "$D/steer.pcap" "icmp6 and ip6[40] == 129 and src 2001:db8:a::5" 2>/dev/null &
DUMP=$!
sleep 0.5
x $C ping -c 1 -W 1 2001:db8:a::5 >/dev/null 2>&1   # the standby MoA itself, as after a move
wait $DUMP; ok $? "echo to the standby address answered from it through eth0 while the route is via eth1"
x $M nft list set ip6 roam_mat_t via_standby | grep -q "2001:db8:c::2"
ok $? "the correspondent is in the learned set, nothing link-local"
rarp() {   # rarp RIFNAME MAC: a QEMU-style announcement of MAC, into the mobile node's link
    x $R python3 - "$1" "$2" <<'PY'
import socket, sys
mac = bytes.fromhex(sys.argv[2].replace(":", ""))
f = b"\xff" * 6 + mac + b"\x80\x35" + bytes([0, 1, 8, 0, 6, 4, 0, 3]) + mac + bytes(4) + mac + bytes(4)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(f.ljust(60, b"\0"))
PY
}
# UDP payloads from the capture, by destination port (pcap, Ethernet, IPv6).
udp_payloads() {   # udp_payloads PCAP PORT
    python3 - "$1" "$2" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read(); i = 24
while i + 16 <= len(d):
    n = struct.unpack("<I", d[i + 8:i + 12])[0]; f = d[i + 16:i + 16 + n]; i += 16 + n
    if len(f) > 62 and f[12:14] == b"\x86\xdd" and f[20] == 17 and struct.unpack("!H", f[56:58])[0] == int(sys.argv[2]):
        print(f[62:].hex())
PY
}
wait_log "$D/mn.log" "switch registration seq [0-9]* offered to the hosts on eth0" 30
ok $? "the agent offered the switch registration to the hosts on the standby NIC"
sleep 0.5
HO=$(udp_payloads "$D/ho.pcap" 7410 | tail -n 1)
python3 - "$HO" <<'PY'
import sys
p = bytes.fromhex(sys.argv[1])
ok = p[:8] == b"roamHO\0\1" and p[8:24] == bytes.fromhex("20010db8000a00000000000000000005") \
    and p[24:40] == bytes.fromhex("20010db8000f00000000000000000002") and p[40:42] == (4780).to_bytes(2, "big") \
    and int.from_bytes(p[42:44], "big") == len(p) - 44
sys.exit(0 if ok else 1)
PY
ok $? "handover datagram: from a::5 to ff02::1, the IMS's address and port, the registration"
REG=$(printf '%s' "$HO" | cut -c89-)
# What the destination's roamd does at QEMU's announcement: the registration,
# as it is, to the IMS, from the host's own address.
x $R python3 -c "import socket,sys; s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM); s.sendto(bytes.fromhex(sys.argv[1]),('2001:db8:f::2',4780))" "$REG"
wait_log "$D/ims.log" "registered 2001:db8:d::10 .* active 2001:db8:a::5 (from \[2001:db8:f::1\]" 20
ok $? "the registration sent by a host switches the IMS to a::5"
wait_log "$D/cn2.log" "rules: 2001:db8:d::10 -> 2001:db8:a::5" 20
ok $? "correspondent translates HoA -> a::5 before the VM noticed its move"
rarp r-m1 "$(x $M cat /sys/class/net/eth0/address)"
wait_log "$D/mn.log" "announced on another host: left eth1's network" 20
ok $? "an announcement of our own MAC (heard on eth1): the agent leaves eth1's network, both links up"
grep -q "left eth1's network (registration signed ahead)" "$D/mn.log"
ok $? "the switch sent the registration signed before the announcement"
wait_log "$D/ims.log" "acknowledged again to \[2001:db8:a::5\]" 20
ok $? "the agent's own copy (same sequence number and bindings) is acknowledged as a retransmission"
kill $HODUMP 2>/dev/null; wait $HODUMP 2>/dev/null
wait_log "$D/mn.log" "default route via 2001:db8:a::1 dev eth0" 10 &&
    x $M ip -6 route show proto 82 | grep -q "default via 2001:db8:a::1 dev eth0 metric 1"
ok $? "the agent's default route follows"
x $C ping -c 2 -i 0.2 -W 1 2001:db8:d::10 >/dev/null
ok $? "ping to the HoA through a::5"

grep "REFUSED" "$D/ims.log" | grep -vc "not proven" | grep -qx 0; ok $? "IMS refused nothing so far but unproven addresses"
grep -q "proving mobile address" "$D/mn.log" && ! grep "not proven" "$D/ims.log" | grep -qv "no token yet"
ok $? "new addresses proven: the agent repeated each challenged registration with its token"

# ---- an announcement while the standby network is unreachable: undone ----
ip -n $R link set r-m1 down && sleep 0.3 && ip -n $R link set r-m1 up &&
    ip -n $R addr add 2001:db8:b::1/64 dev r-m1 nodad
wait_log "$D/ims.log" "registered 2001:db8:d::10 .* 2 address(es), active 2001:db8:a::5" 50
ok $? "secondary link bounced: b::5 registered as standby"
x $R nft -f - <<'NFT'
table ip6 roam_test_block {
  chain pre { type filter hook prerouting priority 0; ip6 saddr 2001:db8:b::5 drop; }
}
NFT
ok $? "the router drops everything from b::5"
sleep 0.5
BEFORE=$(grep -c "active 2001:db8:b::5" "$D/ims.log")
rarp r-m0 "$(x $M cat /sys/class/net/eth1/address)"
wait_log "$D/mn.log" "announced on another host: left eth0's network" 20
ok $? "a spurious announcement: the agent tries the standby network"
wait_log "$D/mn.log" "no acknowledgement through the standby network: back to eth0" 40
ok $? "no acknowledgement through it: the switch is undone"
wait_log "$D/mn.log" "default route via 2001:db8:a::1 dev eth0" 10 &&
    x $M ip -6 route show proto 82 | grep -q "default via 2001:db8:a::1 dev eth0 metric 1"
ok $? "the default route is back on eth0"
[ "$(grep -c "active 2001:db8:b::5" "$D/ims.log")" = "$BEFORE" ] &&
    ! tail -n 1 "$D/cn2.log" | grep -q "2001:db8:b::5"
ok $? "the IMS and the correspondent never saw the switch"
x $R nft delete table ip6 roam_test_block
x $C ping -c 2 -i 0.2 -W 1 2001:db8:d::10 >/dev/null
ok $? "ping to the HoA through a::5 after the undo"

# ---- clean exit ----
kill $CN; wait $CN
! x $C nft list table ip6 roam_mat_t >/dev/null 2>&1; ok $? "SIGTERM: correspondent table removed"
kill $MN; wait $MN
! x $M nft list table ip6 roam_mat_t >/dev/null 2>&1; ok $? "SIGTERM: mobile node table removed"
[ -z "$(x $M ip -6 route show proto 82)" ]; ok $? "SIGTERM: the agent's default route removed"
[ -z "$(x $M ip -6 route show table 82)" ] && ! x $M ip -6 rule show | grep -q "lookup 82"
ok $? "SIGTERM: the steering rule and route removed"
# (newer kernels end the NAPI threads when threading goes off)
after="$(x $M cat /sys/class/net/eth0/threaded /sys/class/net/eth1/threaded | tr '\n' ' ')$(x $M sysctl -n net.ipv6.conf.eth0.ignore_routes_with_linkdown)"
[ "$after" = "0 0 0" ] && case "$(napi_nices)" in ""|"0 ") true ;; *) false ;; esac
ok $? "SIGTERM: NAPI threading, its threads' priority and ignore_routes_with_linkdown put back ($after)"
# The undone switch's datagrams that were held up on the way may arrive
# late: the IMS must refuse them (their sequence number is below the undo's).
# New addresses are refused until proven (a challenge each).
! grep "REFUSED" "$D/ims.log" | grep -v "not proven (no token yet)" |
    grep -qv "from \[2001:db8:b::5\].*not above"
ok $? "IMS refused nothing but unproven addresses and the undone switch's late datagrams"
if [ $FAIL != 0 ]; then for f in ims mn cn cn2; do sed "s/^/# $f: /" "$D/$f.log"; done; fi
echo "1..$N"
[ $FAIL = 0 ]
