# lab/lib/topo.sh: the lab network.  Namespaces for host A, host B, the
# router, the user node and the services network; veth links; the per-host VM
# bridge; routes; radvd on the router.  See docs/lab.md "Topology".
# shellcheck shell=bash

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

lab_namespaces() { echo "$NS_A $NS_B $NS_R $NS_U $NS_S"; }

# A fresh namespace with loopback up and quiet IPv6 defaults (no SLAAC for
# itself unless asked; instant static addresses).
ns_create() {
    ip netns add "$1"
    nsx "$1" ip link set lo up
    nsx "$1" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
        net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
    # TCP Fast Open as client and server: roamd's link to the destination
    # daemon then saves its TCP round trip (docs/roamd.md, "Round trips").
    nsx "$1" sysctl -qw net.ipv4.tcp_fastopen=3
}

# A bridge with STP and multicast snooping off, so that new ports forward at
# once and RAs/neighbour solicitations always flood to the guest's tap; with
# a fixed MAC ($3), else it takes the lowest port MAC and changes whenever a
# VM tap comes or goes (the host's own frames would then carry the tap's MAC).
bridge_create() {
    nsx "$1" ip link add "$2" address "$3" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
    nsx "$1" ip link set "$2" up
}

# veth from router interface $1 to interface $3 in namespace $2; the router
# end gets MAC $4 when given.
router_link() {
    ip -n "$NS_R" link add "$1" ${4:+address "$4"} type veth peer name "$3" netns "$2"
    ip -n "$NS_R" link set "$1" up
    ip -n "$2" link set "$3" up
}

# The router's MAC on host H's provider link, fixed so that roamd can pin
# the RA to it (router_mac): in L2 the RA comes from brl2, in L3 from to-h.
router_veth_mac() { echo "02:00:00:00:01:0${1,,}"; }
router_mac() { if [ "$(mode)" = l2 ]; then echo 02:00:00:00:00:01; else router_veth_mac "$1"; fi; }

# Provider host: VM bridge brvm with the uplink veth as a port; the host's
# own lab address sits on brvm, default route via the router.
host_setup() {
    local h=$1 ns; ns=$(host_ns "$h")
    ns_create "$ns"
    bridge_create "$ns" "$VM_BRIDGE" "02:00:00:00:00:0${h,,}"
    router_link "to-${h,,}" "$ns" uplink "$(router_veth_mac "$h")"
    nsx "$ns" ip link set uplink master "$VM_BRIDGE"
    nsx "$ns" ip -6 addr add "$(host_addr "$h")/64" dev "$VM_BRIDGE" nodad
    nsx "$ns" ip -6 route add default via "$(host_prefix "$h")::1" dev "$VM_BRIDGE"
}

# Plain end node (user, services) on its own /64 behind the router.
leaf_setup() {
    local ns=$1 prefix=$2 rif=$3
    ns_create "$ns"
    router_link "$rif" "$ns" eth0
    ip -n "$NS_R" -6 addr add "$prefix::1/64" dev "$rif" nodad
    nsx "$ns" ip -6 addr add "$prefix::2/64" dev eth0 nodad
    nsx "$ns" ip -6 route add default via "$prefix::1" dev eth0
}

# Router-side addresses of the provider links.  L3: one /64 per provider.
# L2: both provider links are ports of one router bridge with A's prefix.
router_provider_links() {
    if [ "$(mode)" = l2 ]; then
        bridge_create "$NS_R" brl2 02:00:00:00:00:01
        ip -n "$NS_R" link set to-a master brl2
        ip -n "$NS_R" link set to-b master brl2
        ip -n "$NS_R" -6 addr add 2001:db8:a::1/64 dev brl2 nodad
    else
        ip -n "$NS_R" -6 addr add 2001:db8:a::1/64 dev to-a nodad
        ip -n "$NS_R" -6 addr add 2001:db8:b::1/64 dev to-b nodad
    fi
}

# The interfaces on which radvd advertises a provider prefix.
radvd_links() { if [ "$(mode)" = l2 ]; then echo "brl2:2001:db8:a"; else echo "to-a:2001:db8:a to-b:2001:db8:b"; fi; }

# Short RA interval so that a guest moved by a plain migration learns the
# new prefix within a few seconds (the stock kernel sends no RS on link-up).
radvd_conf() {
    local l
    for l in $(radvd_links); do
        cat <<CONF
interface ${l%%:*} {
    AdvSendAdvert on;
    MinRtrAdvInterval 3;
    MaxRtrAdvInterval 4;
    AdvDefaultLifetime 1800;
    prefix ${l#*:}::/64 {
        AdvOnLink on;
        AdvAutonomous on;
        AdvValidLifetime 3600;
        AdvPreferredLifetime 1800;
    };
};
CONF
    done
}

radvd_start() {
    radvd_conf >"$RUN/radvd.conf"
    chmod 644 "$RUN/radvd.conf"
    nsx "$NS_R" radvd -C "$RUN/radvd.conf" -p "$RUN/radvd.pid" -m logfile -l "$RUN/radvd.log"
    wait_for 5 test -s "$RUN/radvd.pid" || die "radvd did not start (see $RUN/radvd.log)"
}

topology_up() {
    ns_create "$NS_R"
    nsx "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1
    host_setup A
    host_setup B
    router_provider_links
    leaf_setup "$NS_U" "$PREFIX_U" to-u
    leaf_setup "$NS_S" "$PREFIX_S" to-s
    radvd_start
}

# Kill every process still inside our namespaces (by pid), then delete them;
# their veths and bridges go with them.
topology_down() {
    local ns pid
    # The etcd members' namespaces too (lab/lib/mobility.sh, --ims etcd).
    for ns in $(lab_namespaces) "$LAB_ID-probe" "$LAB_ID-e0" "$LAB_ID-e1" "$LAB_ID-e2"; do
        [ -e "/run/netns/$ns" ] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill_wait "$pid"; done
        ip netns del "$ns"
    done
}

# "RA reaches a fresh interface": a throw-away namespace with a veth into
# host H's VM bridge, accepting RAs; prints the SLAAC address it gets.
ra_probe() {
    local h=$1 ns=$LAB_ID-probe prefix addr
    prefix=$(host_prefix "$h")
    ip netns del "$ns" 2>/dev/null
    ip netns add "$ns"
    ip -n "$ns" link add probe0 type veth peer name probe1 netns "$(host_ns "$h")"
    nsx "$ns" sysctl -qw net.ipv6.conf.probe0.accept_ra=1 net.ipv6.conf.probe0.accept_dad=0
    ip -n "$(host_ns "$h")" link set probe1 master "$VM_BRIDGE" up
    ip -n "$ns" link set probe0 up
    wait_for 10 probe_has_addr "$ns" "$prefix"
    addr=$(probe_has_addr "$ns" "$prefix")
    ip netns del "$ns"
    [ -n "$addr" ] || { log "no RA with $prefix::/64 on host $h's link"; return 1; }
    echo "$addr"
}
probe_has_addr() { nsx "$1" ip -6 -o addr show dev probe0 scope global | awk '{sub(/\/.*/, "", $4); print $4}' | grep "^$2:" ; }
