# lab/lib/mobility.sh: roam's IP mobility on the lab — the IMS (roam-ims) in
# the services namespace, the VM's roam-mat (mobile mode, shipped into the
# guest's initramfs as an overlay for ROAM_GUEST_EXTRA), and the user node's
# roam-mat (correspondent mode).  Sourced after lab/lib/common.sh and
# lab/lib/roam.sh (uses STATE/RUN/NS_*, nsx from topo.sh, ROAM_BUILD and
# roam_bin), by bench/interruption and the e2e tests.
#
# Persistent: $STATE/mobility-keys (IMS CA and certificate, the VM's
# Ed25519 key pair, the IMS's Ed25519 key for registration datagram acks,
# each host's Ed25519 key attesting mobile addresses), $STATE/mobility-guest (the overlay).  Per run ($RUN):
# ims.conf, attestors, ims.sqlite, logs, pids.
#
# MOB_MOA_PROOF (default 1): the IMS wants every new mobile address proven
# ([ims] moa_secret), by the VM's answer to a challenge or by the
# attestation of the host whose prefix holds it (the destination's roamd
# attests the address it checked, [mobility] attest_key); 0 turns it off.
#
# ROAM_LAB_IMS=etcd (set it before mob_overlay, it goes into the guest's
# configuration; `lab/lab up --ims etcd` does all of it): the IMS is instead
# a 3-member etcd cluster and two roam-ims front-ends on it.  Each member
# runs in a namespace of its own ($LAB_ID-e0..e2, address
# 2001:db8:d:1N::2, client port 2379, peers 2380, https with client
# certificates on both), linked to the services node, which routes between
# them; so one member can be cut off by the network (mob_etcd_isolate) while
# its process and the front-end beside it keep running.  The front-ends run
# on the services node, on 2001:db8:d::2 and 2001:db8:d::3 (port 4780 both),
# each talking to the member beside it (m0 and m1; m2 only votes), as on
# machines of their own; the VM's and the user node's roam-mat know the
# second as [ims] fallback.  Persistent: the etcd CA, the members' and the
# front-ends' certificates in $MOB_KEYS/etcd; per run: $RUN/etcd/ (data).
# shellcheck shell=bash

MOB_KEYS=$STATE/mobility-keys
MOB_OVERLAY=$STATE/mobility-guest
MOB_IMS_ADDR=${PREFIX_S}::2          # the services node (2001:db8:d::2)
MOB_IMS_PORT=4780
MOB_HOA=${ROAM_LAB_HOA:-2001:db8:e::10}   # the VM's home address: outside every lab prefix
MOB_TABLE=roam_mat
MOB_STORE=${ROAM_LAB_IMS:-sqlite}        # sqlite | etcd
MOB_IMS_ADDR2=${PREFIX_S}::3         # the second front-end (etcd)
MOB_ETCD_N=3                         # members, m0..m2
MOB_ETCD_PORT=2379                   # every member's client port; peers on 2380
case $MOB_STORE in sqlite|etcd) ;; *) die "ROAM_LAB_IMS must be sqlite or etcd, not '$MOB_STORE'" ;; esac

mob_build() {
    [ -n "${ROAM_NO_BUILD:-}" ] && { [ -x "$(roam_bin roam-mat)" ] || die "no roam-mat in $ROAM_BUILD"; return 0; }
    [ -f "$ROAM_BUILD/build.ninja" ] || meson setup "$ROAM_BUILD" "$ROAM_SRC" >"$STATE/roam-build.log" 2>&1 ||
        die "meson setup failed (see $STATE/roam-build.log)"
    ninja -C "$ROAM_BUILD" src/cmd/roam-ims src/cmd/roam-mat >>"$STATE/roam-build.log" 2>&1 ||
        die "roam-ims/roam-mat build failed (see $STATE/roam-build.log)"
}

# IMS certificate (IP SAN = its lab address) under its own CA; the VM's key.
mob_keys() {
    local k=$MOB_KEYS
    mkdir -p "$k" && chmod 700 "$k"
    [ -s "$k/ca.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$k/ca.key" -out "$k/ca.pem" -days 3650 -subj "/CN=roam lab IMS CA" \
        >/dev/null 2>&1 || die "IMS CA creation failed"
    # Both front-ends' addresses; a certificate made before the second
    # existed is made again.
    local san="IP:$MOB_IMS_ADDR,IP:$MOB_IMS_ADDR2"
    [ "$(cat "$k/ims.san" 2>/dev/null)" = "$san" ] || rm -f "$k/ims.pem"
    if [ ! -s "$k/ims.pem" ]; then
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$k/ims.key" \
            -out "$k/ims.csr" -subj "/CN=lab IMS" >/dev/null 2>&1 || die "IMS CSR failed"
        printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$k/ims.ext"
        echo "$san" >"$k/ims.san"
        openssl x509 -req -in "$k/ims.csr" -CA "$k/ca.pem" -CAkey "$k/ca.key" -CAcreateserial \
            -days 825 -extfile "$k/ims.ext" -out "$k/ims.pem" >/dev/null 2>&1 || die "IMS certificate failed"
    fi
    [ -s "$k/vm.key" ] || "$(roam_bin roam-mat)" keygen --key "$k/vm.key" --pub "$k/vm.pub" ||
        die "roam-mat keygen failed"
    [ -s "$k/ims-ack.key" ] || "$(roam_bin roam-mat)" keygen --key "$k/ims-ack.key" \
        --pub "$k/ims-ack.pub" || die "roam-mat keygen (IMS ack key) failed"
    [ -s "$k/moa.secret" ] || (umask 077 && head -c 32 /dev/urandom >"$k/moa.secret") ||
        die "cannot write the IMS's MoA token secret"
    local h
    for h in a b; do
        [ -s "$k/attest-$h.key" ] || "$(roam_bin roam-mat)" keygen --key "$k/attest-$h.key" \
            --pub "$k/attest-$h.pub" || die "roam-mat keygen (host ${h^^}'s attestation key) failed"
    done
    [ "$MOB_STORE" != etcd ] || mob_etcd_keys
}

# Everything roam-mat needs in the busybox guest.  libnftables exists only
# as a shared library in Debian, so the binary ships with the shared
# libraries ldd names and the dynamic loader, at their usual paths.
mob_overlay() {
    local o=$MOB_OVERLAY bin lib
    bin=$(roam_bin roam-mat)
    rm -rf "$o" && mkdir -p "$o/usr/local/bin" "$o/etc/roam" "$o/etc/rc.d"
    cp "$bin" "$o/usr/local/bin/roam-mat"
    for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
        mkdir -p "$o$(dirname "$lib")"
        cp -L "$lib" "$o$lib"
    done
    cp "$MOB_KEYS/ca.pem" "$o/etc/roam/ims-ca.pem"
    cp "$MOB_KEYS/vm.key" "$o/etc/roam/mat.key"
    cp "$MOB_KEYS/ims-ack.pub" "$o/etc/roam/ims-ack.pub"
    cat >"$o/etc/roam/mat.conf" <<CONF
; roam-mat in the lab guest (written by lab/lib/mobility.sh)
[agent]
mode = mobile
table = $MOB_TABLE
; above normal: benchmarks keep the guest's one vCPU busy (dirty)
nice = -10
; 2 (debug) with MOB_GUEST_LOG_LEVEL=2 in the environment
log_level = ${MOB_GUEST_LOG_LEVEL:-1}
[ims]
address = $MOB_IMS_ADDR
port = $MOB_IMS_PORT
ca = /etc/roam/ims-ca.pem
; registrations as signed UDP datagrams: no TLS handshake after the move
ack_pubkey = /etc/roam/ims-ack.pub
retry_max_ms = 1000
$(mob_fallback_line)
[mobile]
hoa = $MOB_HOA
key = /etc/roam/mat.key
interfaces = eth0 eth1
CONF
    cat >"$o/etc/rc.d/50-roam-mat" <<'HOOK'
#!/bin/sh
# Lab guest hook (lab/lib/mobility.sh): nftables modules, then roam-mat.
# nft_ct brings notrack (and nf_conntrack); maps, payload rewrites, the
# route chain type and the set backends are part of nf_tables on 6.1.
for m in nf_tables nft_ct; do modprobe "$m" || echo "roam-mat hook: modprobe $m failed" >/dev/console; done
/usr/local/bin/roam-mat -c /etc/roam/mat.conf >>/run/roam-mat.log 2>&1 </dev/null &
HOOK
    chmod 755 "$o/etc/rc.d/50-roam-mat"
    echo "$o"
}

# The second front-end for the agents, with etcd (empty line otherwise).
mob_fallback_line() { [ "$MOB_STORE" = etcd ] && echo "fallback = $MOB_IMS_ADDR2"; true; }

# Member I's namespace, its address, and the services node's end of its link.
mob_etcd_ns() { echo "$LAB_ID-e$1"; }
mob_etcd_addr() { echo "$PREFIX_S:1$1::2"; }
mob_etcd_gw() { echo "$PREFIX_S:1$1::1"; }

# Client URLs of members I... (default: every member), comma-separated.
mob_etcd_endpoints() {
    local i out=''
    [ $# -gt 0 ] || set -- $(seq 0 $((MOB_ETCD_N - 1)))
    for i in "$@"; do out="${out:+$out,}https://[$(mob_etcd_addr "$i")]:$MOB_ETCD_PORT"; done
    echo "$out"
}

# The etcd PKI: its own CA; one certificate for every member (server and
# client use: members dial each other over mutual TLS too) with the
# members' addresses as IP SANs; one client certificate for the front-ends
# and etcdctl.  Made again when the members' addresses change.
mob_etcd_keys() {
    local k=$MOB_KEYS/etcd i san=''
    for ((i = 0; i < MOB_ETCD_N; i++)); do san="${san:+$san,}IP:$(mob_etcd_addr "$i")"; done
    mkdir -p "$k"
    [ -s "$k/ca.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$k/ca.key" -out "$k/ca.pem" -days 3650 -subj "/CN=roam lab etcd CA" \
        >/dev/null 2>&1 || die "etcd CA creation failed"
    [ "$(cat "$k/member.san" 2>/dev/null)" = "$san" ] || rm -f "$k/member.pem"
    mob_cert "$k" member "/CN=lab etcd member" "subjectAltName=$san
extendedKeyUsage=serverAuth,clientAuth"
    echo "$san" >"$k/member.san"
    mob_cert "$k" client "/CN=lab roam-ims" "extendedKeyUsage=clientAuth"
}

# DIR NAME SUBJECT EXTENSIONS: DIR/NAME.{pem,key} signed by DIR/ca, unless there.
mob_cert() {
    local k=$1 n=$2
    [ -s "$k/$n.pem" ] && return 0
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$k/$n.key" \
        -out "$k/$n.csr" -subj "$3" >/dev/null 2>&1 || die "etcd $n CSR failed"
    printf '%s\n' "$4" >"$k/$n.ext"
    openssl x509 -req -in "$k/$n.csr" -CA "$k/ca.pem" -CAkey "$k/ca.key" -CAcreateserial \
        -days 825 -extfile "$k/$n.ext" -out "$k/$n.pem" >/dev/null 2>&1 || die "etcd $n certificate failed"
}

# roam-ims's configuration on ADDRESS (default: the first front-end), with
# etcd member MEMBER (default 0).
mob_ims_conf() {
    local addr=${1:-$MOB_IMS_ADDR} member=${2:-0}
    cat <<CONF
; roam-ims on the lab's services node (written by lab/lib/mobility.sh)
[ims]
listen = $addr
port = $MOB_IMS_PORT
cert = $MOB_KEYS/ims.pem
key = $MOB_KEYS/ims.key
ack_key = $MOB_KEYS/ims-ack.key
database = $RUN/ims.sqlite
CONF
    # New mobile addresses proven (docs/mobility.md), by return routability
    # or by the attestation of the host whose prefix holds them
    if [ "${MOB_MOA_PROOF:-1}" != 0 ]; then
        echo "moa_secret = $MOB_KEYS/moa.secret"
        mob_attestors >"$RUN/attestors" && echo "attestors = $RUN/attestors"
    fi
    cat <<CONF
; the lab's correspondents have no client certificate
open_queries = 1
CONF
    [ "$MOB_STORE" = etcd ] && cat <<CONF
[store]
backend = etcd
endpoints = $(mob_etcd_endpoints "$member")
ca = $MOB_KEYS/etcd/ca.pem
cert = $MOB_KEYS/etcd/client.pem
key = $MOB_KEYS/etcd/client.key
CONF
    cat <<CONF
[enroll]
vm = $MOB_HOA $MOB_KEYS/vm.pub
CONF
}

mob_ims2_conf() { mob_ims_conf "$MOB_IMS_ADDR2" 1; }

# The IMS's attestors file: each host's prefix and attestation key.
mob_attestors() {
    local h
    echo "# provider hosts (written by lab/lib/mobility.sh)"
    for h in A B; do
        echo "$(host_prefix "$h")::/64 $MOB_KEYS/attest-${h,,}.pub"
    done
}

# roamd's attestation key on HOST (nothing without one).
mob_attest_line() {
    local f=$MOB_KEYS/attest-${1,,}.key
    if [ -s "$f" ]; then echo "attest_key = $f"; fi
}

# etcdctl against MEMBERS (comma-separated indexes, default all) ARGS...,
# from the services node.
mob_etcdctl() {
    local m=$1; shift
    # shellcheck disable=SC2046  # the indexes split on purpose
    nsx "$NS_S" etcdctl --endpoints "$(mob_etcd_endpoints $(tr , ' ' <<<"$m"))" \
        --cacert "$MOB_KEYS/etcd/ca.pem" --cert "$MOB_KEYS/etcd/client.pem" \
        --key "$MOB_KEYS/etcd/client.key" --dial-timeout 2s --command-timeout 3s "$@"
}

# Member I's namespace and its link to the services node (idempotent).
mob_etcd_link() {
    local i=$1 ns
    ns=$(mob_etcd_ns "$i")
    [ -e "/run/netns/$ns" ] && return 0
    ns_create "$ns"
    ip -n "$NS_S" link add "e$i" type veth peer name eth0 netns "$ns" || die "etcd link $i failed"
    ip -n "$NS_S" link set "e$i" up
    ip -n "$ns" link set eth0 up
    ip -n "$NS_S" -6 addr add "$(mob_etcd_gw "$i")/64" dev "e$i" nodad
    ip -n "$ns" -6 addr add "$(mob_etcd_addr "$i")/64" dev eth0 nodad
    ip -n "$ns" -6 route add default via "$(mob_etcd_gw "$i")" dev eth0
}

# The etcd members: each in its namespace, started together, then a write
# through every member must succeed.
mob_etcd_up() {
    local i cluster='' name ns a k=$MOB_KEYS/etcd
    if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
        die "ROAM_LAB_IMS=etcd needs etcd and etcdctl (Debian etcd-server, etcd-client)"
    fi
    nsx "$NS_S" sysctl -qw net.ipv6.conf.all.forwarding=1   # between the members
    for ((i = 0; i < MOB_ETCD_N; i++)); do
        mob_etcd_link "$i"
        cluster="${cluster:+$cluster,}m$i=https://[$(mob_etcd_addr "$i")]:$((MOB_ETCD_PORT + 1))"
    done
    mkdir -p "$RUN/etcd"
    for ((i = 0; i < MOB_ETCD_N; i++)); do
        name=m$i ns=$(mob_etcd_ns "$i") a=$(mob_etcd_addr "$i")
        mob_pid_alive "$RUN/etcd-$name.pid" && continue
        ip netns exec "$ns" etcd --name "$name" --data-dir "$RUN/etcd/$name" \
            --listen-client-urls "https://[$a]:$MOB_ETCD_PORT" \
            --advertise-client-urls "https://[$a]:$MOB_ETCD_PORT" \
            --listen-peer-urls "https://[$a]:$((MOB_ETCD_PORT + 1))" \
            --initial-advertise-peer-urls "https://[$a]:$((MOB_ETCD_PORT + 1))" \
            --initial-cluster "$cluster" --initial-cluster-state new \
            --initial-cluster-token "$LAB_ID" \
            --cert-file "$k/member.pem" --key-file "$k/member.key" \
            --trusted-ca-file "$k/ca.pem" --client-cert-auth \
            --peer-cert-file "$k/member.pem" --peer-key-file "$k/member.key" \
            --peer-trusted-ca-file "$k/ca.pem" --peer-client-cert-auth \
            >>"$RUN/etcd-$name.log" 2>&1 </dev/null &
        echo $! >"$RUN/etcd-$name.pid"
    done
    for ((i = 0; i < MOB_ETCD_N; i++)); do
        wait_for 30 mob_etcdctl "$i" put /roam-lab/ready "$i" ||
            die "etcd member m$i does not take writes (see $RUN/etcd-m$i.log)"
    done
}

mob_etcd_down() {
    local i ns
    for ((i = 0; i < MOB_ETCD_N; i++)); do
        mob_daemon_stop "etcd-m$i"
        ns=$(mob_etcd_ns "$i")
        [ -e "/run/netns/$ns" ] && ip netns del "$ns"
    done
    mob_etcd_heal
}

# Cut member I off from the other members by the network: the services
# node, which routes between them, drops what it would forward to or from
# I's link.  The front-end beside I (on the services node itself) still
# reaches it; I's process keeps running.
mob_etcd_isolate() {
    local i=$1
    nsx "$NS_S" nft -f - <<NFT || die "cannot isolate etcd member m$i"
table inet roam_lab_partition
delete table inet roam_lab_partition
table inet roam_lab_partition {
    chain forward {
        type filter hook forward priority 0; policy accept;
        iifname "e$i" drop
        oifname "e$i" drop
    }
}
NFT
    echo "$i" >"$RUN/etcd-cut"
}

# Heal every partition mob_etcd_isolate made.
mob_etcd_heal() {
    rm -f "$RUN/etcd-cut"
    [ -e "/run/netns/$NS_S" ] || return 0
    nsx "$NS_S" nft delete table inet roam_lab_partition 2>/dev/null
    true
}

# One line per etcd member and front-end, for `lab/lab status`.
mob_status() {
    local i f
    echo "IMS: store $MOB_STORE"
    if [ "$MOB_STORE" = etcd ]; then
        for ((i = 0; i < MOB_ETCD_N; i++)); do
            f=$RUN/etcd-m$i.pid
            echo "  etcd m$i [$(mob_etcd_addr "$i")]:$MOB_ETCD_PORT in $(mob_etcd_ns "$i"): $(mob_pid_alive "$f" && echo "pid $(cat "$f")" || echo stopped)"
        done
        [ ! -s "$RUN/etcd-cut" ] || echo "  partition: m$(cat "$RUN/etcd-cut") cut off from the other members"
    fi
    for f in ims:$MOB_IMS_ADDR ims2:$MOB_IMS_ADDR2 mat-cn:user; do
        [ "$MOB_STORE" = etcd ] || [ "${f%%:*}" != ims2 ] || continue
        echo "  ${f%%:*} (${f#*:}): $(mob_pid_alive "$RUN/${f%%:*}.pid" && echo "pid $(cat "$RUN/${f%%:*}.pid")" || echo stopped)"
    done
}

mob_cn_conf() {
    cat <<CONF
; roam-mat on the lab's user node (written by lab/lib/mobility.sh)
[agent]
mode = correspondent
table = $MOB_TABLE
[ims]
address = $MOB_IMS_ADDR
port = $MOB_IMS_PORT
ca = $MOB_KEYS/ca.pem
retry_max_ms = 1000
$(mob_fallback_line)
[correspondent]
hoas = $MOB_HOA
CONF
}

mob_pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# NAME NS CONF-FUNCTION BINARY: start one daemon in a namespace (idempotent).
mob_daemon_start() {
    local name=$1 ns=$2 conf=$3 bin=$4
    mob_pid_alive "$RUN/$name.pid" && return 0
    "$conf" >"$RUN/$name.conf"
    ip netns exec "$ns" "$bin" -c "$RUN/$name.conf" >>"$RUN/$name.log" 2>&1 </dev/null &
    echo $! >"$RUN/$name.pid"
}

mob_daemon_stop() {
    local f=$RUN/$1.pid
    mob_pid_alive "$f" && kill_wait "$(cat "$f")"
    rm -f "$f"
}

# Services: IMS, then the correspondent on the user node.  The guest side
# comes with the overlay (`mob_overlay` before `lab/lab up`).
mob_up() {
    mob_build
    mob_keys
    mkdir -p "$RUN"
    if [ "$MOB_STORE" = etcd ]; then
        nsx "$NS_S" ip -6 addr replace "$MOB_IMS_ADDR2/64" dev eth0 nodad ||
            die "cannot add $MOB_IMS_ADDR2 to the services node"
        mob_etcd_up
    fi
    mob_daemon_start ims "$NS_S" mob_ims_conf "$(roam_bin roam-ims)"
    wait_for 5 grep -q "serving on port" "$RUN/ims.log" || die "roam-ims did not start (see $RUN/ims.log)"
    mob_daemon_start mat-cn "$NS_U" mob_cn_conf "$(roam_bin roam-mat)"
    if [ "$MOB_STORE" = etcd ] && ! mob_pid_alive "$RUN/ims2.pid"; then
        # The second front-end only once the VM's agent registered through
        # the first (the correspondent has its mapping): both agents then
        # use the first, and a test that kills it knows whom it moves.
        wait_for 30 grep -q "rules: $MOB_HOA -> " "$RUN/mat-cn.log" ||
            log "the user node has no mapping of $MOB_HOA yet; starting the second front-end anyway"
        mob_daemon_start ims2 "$NS_S" mob_ims2_conf "$(roam_bin roam-ims)"
        wait_for 5 grep -q "serving on port" "$RUN/ims2.log" ||
            die "the second roam-ims did not start (see $RUN/ims2.log)"
    fi
}

mob_down() {
    mob_daemon_stop mat-cn
    mob_daemon_stop ims2
    mob_daemon_stop ims
    mob_etcd_down
}

# The IMS's current mapping of the VM's HoA (one line), from the front-end
# at ADDRESS (default: the first).
mob_query() {
    nsx "$NS_U" "$(roam_bin roam-ims)" query "$MOB_HOA" --ims "${1:-$MOB_IMS_ADDR}" \
        --port "$MOB_IMS_PORT" --ca "$MOB_KEYS/ca.pem"
}
