# lab/lib/mobility.sh: roam's IP mobility on the lab — the IMS (roam-ims) in
# the services namespace, the VM's roam-mat (mobile mode, shipped into the
# guest's initramfs as an overlay for ROAM_GUEST_EXTRA), and the user node's
# roam-mat (correspondent mode).  Sourced after lab/lib/common.sh and
# lab/lib/roam.sh (uses STATE/RUN/NS_*, nsx from topo.sh, ROAM_BUILD and
# roam_bin), by bench/interruption and the e2e tests.
#
# Persistent: $STATE/mobility-keys (IMS CA and certificate, the VM's
# Ed25519 key pair, the IMS's Ed25519 key for registration datagram acks), $STATE/mobility-guest (the overlay).  Per run ($RUN):
# ims.conf, ims.sqlite, logs, pids.
#
# ROAM_LAB_IMS=etcd (set it before mob_overlay, it goes into the guest's
# configuration): the IMS is instead a 3-member etcd cluster in the services
# namespace (one etcd process per member on the services node's address,
# client ports 2379/2381/2383, peers one above; data in $RUN/etcd) and two
# roam-ims front-ends on it, on 2001:db8:d::2 and 2001:db8:d::3 (port 4780
# both); the VM's and the user node's roam-mat know the second as
# [ims] fallback.
# shellcheck shell=bash

MOB_KEYS=$STATE/mobility-keys
MOB_OVERLAY=$STATE/mobility-guest
MOB_IMS_ADDR=${PREFIX_S}::2          # the services node (2001:db8:d::2)
MOB_IMS_PORT=4780
MOB_HOA=${ROAM_LAB_HOA:-2001:db8:e::10}   # the VM's home address: outside every lab prefix
MOB_TABLE=roam_mat
MOB_STORE=${ROAM_LAB_IMS:-sqlite}        # sqlite | etcd
MOB_IMS_ADDR2=${PREFIX_S}::3         # the second front-end (etcd)
MOB_ETCD_PORTS="2379 2381 2383"      # members' client ports; each peer port is one above
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

mob_etcd_endpoints() {
    local p out=''
    for p in $MOB_ETCD_PORTS; do out="${out:+$out,}http://[$MOB_IMS_ADDR]:$p"; done
    echo "$out"
}

# roam-ims's configuration on ADDRESS (default: the first front-end).
mob_ims_conf() {
    local addr=${1:-$MOB_IMS_ADDR}
    cat <<CONF
; roam-ims on the lab's services node (written by lab/lib/mobility.sh)
[ims]
listen = $addr
port = $MOB_IMS_PORT
cert = $MOB_KEYS/ims.pem
key = $MOB_KEYS/ims.key
ack_key = $MOB_KEYS/ims-ack.key
database = $RUN/ims.sqlite
; the lab's correspondents have no client certificate
open_queries = 1
CONF
    [ "$MOB_STORE" = etcd ] && cat <<CONF
[store]
backend = etcd
endpoints = $(mob_etcd_endpoints)
CONF
    cat <<CONF
[enroll]
vm = $MOB_HOA $MOB_KEYS/vm.pub
CONF
}

mob_ims2_conf() { mob_ims_conf "$MOB_IMS_ADDR2"; }

# The etcd members (etcd store): one process each in the services
# namespace, started together, then a write must succeed.
mob_etcd_up() {
    local i=0 p cluster='' name
    if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
        die "ROAM_LAB_IMS=etcd needs etcd and etcdctl (Debian etcd-server, etcd-client)"
    fi
    for p in $MOB_ETCD_PORTS; do
        cluster="${cluster:+$cluster,}m$i=http://[$MOB_IMS_ADDR]:$((p + 1))"
        i=$((i + 1))
    done
    mkdir -p "$RUN/etcd"
    i=0
    for p in $MOB_ETCD_PORTS; do
        name=m$i
        i=$((i + 1))
        mob_pid_alive "$RUN/etcd-$name.pid" && continue
        ip netns exec "$NS_S" etcd --name "$name" --data-dir "$RUN/etcd/$name" \
            --listen-client-urls "http://[$MOB_IMS_ADDR]:$p" \
            --advertise-client-urls "http://[$MOB_IMS_ADDR]:$p" \
            --listen-peer-urls "http://[$MOB_IMS_ADDR]:$((p + 1))" \
            --initial-advertise-peer-urls "http://[$MOB_IMS_ADDR]:$((p + 1))" \
            --initial-cluster "$cluster" --initial-cluster-state new \
            --initial-cluster-token "$LAB_ID" >>"$RUN/etcd-$name.log" 2>&1 </dev/null &
        echo $! >"$RUN/etcd-$name.pid"
    done
    wait_for 20 nsx "$NS_S" etcdctl --endpoints "$(mob_etcd_endpoints)" put /roam-lab/ready 1 ||
        die "etcd did not start (see $RUN/etcd-m*.log)"
}

mob_etcd_down() {
    local i=0 _
    for _ in $MOB_ETCD_PORTS; do
        mob_daemon_stop "etcd-m$i"
        i=$((i + 1))
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
    if [ "$MOB_STORE" = etcd ]; then
        mob_daemon_start ims2 "$NS_S" mob_ims2_conf "$(roam_bin roam-ims)"
        wait_for 5 grep -q "serving on port" "$RUN/ims2.log" ||
            die "the second roam-ims did not start (see $RUN/ims2.log)"
    fi
    mob_daemon_start mat-cn "$NS_U" mob_cn_conf "$(roam_bin roam-mat)"
}

mob_down() {
    mob_daemon_stop mat-cn
    mob_daemon_stop ims2
    mob_daemon_stop ims
    mob_etcd_down
}

# The IMS's current mapping of the VM's HoA (one line).
mob_query() {
    nsx "$NS_U" "$(roam_bin roam-ims)" query "$MOB_HOA" --ims "$MOB_IMS_ADDR" \
        --port "$MOB_IMS_PORT" --ca "$MOB_KEYS/ca.pem"
}
