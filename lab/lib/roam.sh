# lab/lib/roam.sh: roam on the lab — build, test PKI (openssl), KGC keys for
# a few lab users, roamd configs and daemons on hosts A and B, and the user's
# `roam migrate` from the user node.  Sourced after lab/lib/common.sh (uses
# its STATE/RUN/NS_*/host_* helpers), by lab/demo, tests/e2e and bench.
#
# Persistent (kept by `lab/lab down`): $STATE/roam-build (the build),
# $STATE/roam-keys (CA, host certificates, MPK/MSK, user keys).
# Per run ($RUN, removed by down): roamd configs, logs, pids, audit logs.
# ROAM_MIGRATION_TLS=yes|no overrides the lab's `[migration] tls` for the
# roamd started next (a lab up with --no-tls permits both).
# ROAM_SWITCH_AT: `[mobility] switch_at` (pause, the default, or rarp).
# ROAM_MIGRATION_TUNING: extra `[migration]` lines for that roamd (e.g.
# "parallel = 2", newline-separated; bench/migration/run --variant).
# shellcheck shell=bash

ROAM_SRC=$(cd "$LAB_DIR/.." && pwd)
ROAM_BUILD=${ROAM_BUILD:-$STATE/roam-build}
ROAM_KEYS=$STATE/roam-keys
ROAM_PORT=7443
ROAM_PEER_PORT=7444
# The lab's users: name and attributes.  alice may do everything; the others
# each miss one condition (tests/e2e checks each refusal); bob, the lab's
# unauthorized user for `lab/lab roam bob`, misses the accept policy.
ROAM_EXPIRY_OK=$(date -u -d '+365 days' +%F)
roam_users() {
    cat <<USERS
alice|customer|B4|expiry = $ROAM_EXPIRY_OK
nocustomer|B4|expiry = $ROAM_EXPIRY_OK
nomigrate|customer|S1|expiry = $ROAM_EXPIRY_OK
expired|customer|B4|expiry = 2020-01-01
bob|B4|expiry = $ROAM_EXPIRY_OK
USERS
}
ROAM_ACCEPT_POLICY=${ROAM_ACCEPT_POLICY:-customer}

roam_bin() { echo "$ROAM_BUILD/src/cmd/$1"; }

roam_build() {
    # Inside `meson test` the build is done (and busy): only check it.
    if [ -n "${ROAM_NO_BUILD:-}" ]; then
        if ! { [ -x "$(roam_bin roamd)" ] && [ -x "$(roam_bin roamd-net)" ] && [ -x "$(roam_bin roam)" ]; }; then die "no roam build in $ROAM_BUILD"; fi
        return 0
    fi
    if [ ! -f "$ROAM_BUILD/build.ninja" ]; then
        meson setup "$ROAM_BUILD" "$ROAM_SRC" >"$STATE/roam-build.log" 2>&1 ||
            die "meson setup failed (see $STATE/roam-build.log)"
    fi
    ninja -C "$ROAM_BUILD" src/cmd/roamd src/cmd/roamd-net src/cmd/roam src/cmd/roam-kgc src/cmd/roam-hook >>"$STATE/roam-build.log" 2>&1 ||
        die "build failed (see $STATE/roam-build.log)"
}

# A CA and one certificate per host, naming its lab address (IP SAN), usable
# for both TLS roles (client-facing server, and mutual TLS between daemons).
roam_pki() {
    local k=$ROAM_KEYS h
    mkdir -p "$k" && chmod 700 "$k"
    [ -s "$k/ca.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$k/ca.key" -out "$k/ca.pem" -days 3650 -subj "/CN=roam lab CA" \
        >/dev/null 2>&1 || die "CA creation failed"
    for h in A B; do
        local n=${h,,} addr; addr=$(host_addr "$h")
        [ -s "$k/host-$n.pem" ] && grep -q "$addr" "$k/host-$n.san" 2>/dev/null && continue
        echo "$addr" >"$k/host-$n.san"
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$k/host-$n.key" \
            -out "$k/host-$n.csr" -subj "/CN=lab host $h" >/dev/null 2>&1 || die "CSR $h failed"
        printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$addr" >"$k/host-$n.ext"
        openssl x509 -req -in "$k/host-$n.csr" -CA "$k/ca.pem" -CAkey "$k/ca.key" -CAcreateserial \
            -days 825 -extfile "$k/host-$n.ext" -out "$k/host-$n.pem" >/dev/null 2>&1 ||
            die "certificate for host $h failed"
    done
}

# The KGC: master keys once, then one key per lab user (re-issued when the
# expiry date of the "valid" keys would be in the past).
roam_kgc() {
    local k=$ROAM_KEYS kgc; kgc=$(roam_bin roam-kgc)
    mkdir -p "$k/users"
    [ -s "$k/mpk.pem" ] || "$kgc" setup --out "$k" >/dev/null || die "roam-kgc setup failed"
    local line name attrs flags
    while IFS= read -r line; do
        name=${line%%|*}
        IFS='|' read -r -a attrs <<<"${line#*|}"
        [ -s "$k/users/$name.key" ] && [ "$(cat "$k/users/$name.issued" 2>/dev/null)" = "$(date -u +%F)" ] && continue
        rm -f "$k/users/$name.key"
        # keygen refuses a key no server accepts; "expired" is one on purpose.
        flags=()
        [ "$name" = expired ] && flags=(--allow-expired)
        "$kgc" keygen --mpk "$k/mpk.pem" --msk "$k/msk.pem" --out "$k/users/$name.key" "${flags[@]}" \
            "${attrs[@]}" >/dev/null || die "keygen for $name failed"
        date -u +%F >"$k/users/$name.issued"
    done < <(roam_users)
}

roam_conf() { # HOST
    local h=$1 n=${1,,}
    cat <<CONF
; roamd on lab host $h (written by lab/lib/roam.sh)
[roamd]
name = $(host_addr "$h")
listen = [$(host_addr "$h")]:$ROAM_PORT
peer_listen = [$(host_addr "$h")]:$ROAM_PEER_PORT
peer_port = $ROAM_PEER_PORT
cert = $ROAM_KEYS/host-$n.pem
key = $ROAM_KEYS/host-$n.key
peer_ca = $ROAM_KEYS/ca.pem
mpk = $ROAM_KEYS/mpk.pem
accept_policy = $ROAM_ACCEPT_POLICY
libvirt_uri = $(host_uri "$h")
migrate_uri = qemu+tls://{host}/system?pkipath=$(host_pki "$h")
bridge = $VM_BRIDGE
uplink = $VM_BRIDGE
router_mac = $(router_mac "$h")
audit_log = $RUN/roamd-$n.audit.jsonl
state_dir = $RUN/roamd-$n.state
seccomp = ${ROAM_LAB_SECCOMP:-yes}

[limits]
io_timeout_ms = 10000
switchover_timeout = 60
confirm_timeout_ms = 5000
migration_timeout = 180
$(hook_conf "$h")

[migration]
tls = ${ROAM_MIGRATION_TLS:-$(lab_tls)}
${ROAM_MIGRATION_TUNING:-}
CONF
    # Handovers go to the lab's IMS only (lab/lib/mobility.sh), when it runs.
    if [ -n "${MOB_IMS_ADDR:-}" ]; then
        printf '\n[mobility]\nims = [%s]:%s\nswitch_at = %s\n' "$MOB_IMS_ADDR" "$MOB_IMS_PORT" \
            "${ROAM_SWITCH_AT:-pause}"
        mob_attest_line "$h"
    fi
    # Incoming disks go to the lab's pool (lab/lib/libvirt.sh); shared
    # storage is copied by nobody.
    printf '\n[storage]\npool = %s\n' "$LAB_POOL"
    if [ "$(lab_storage)" = shared ]; then echo "shared = yes"; fi
    if [ -n "${ROAM_LAB_REMOVE_SOURCE:-}" ]; then echo "remove_source = yes"; fi
    if [ "$(lab_base)" = yes ]; then echo "base_dir = $(base_dir "$h")"; fi
}

roamd_pidfile() { echo "$RUN/roamd-${1,,}.pid"; }
roamd_log() { echo "$RUN/roamd-${1,,}.log"; }
roamd_audit() { echo "$RUN/roamd-${1,,}.audit.jsonl"; }

roamd_running() { local f; f=$(roamd_pidfile "$1"); [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

roamd_start() { # HOST
    local h=$1 n=${1,,}
    roamd_running "$h" && return 0
    roam_conf "$h" >"$RUN/roamd-$n.conf"
    [ -s "$(roamd_log "$h")" ] && cat "$(roamd_log "$h")" >>"$(roamd_log "$h").old"
    : >"$(roamd_log "$h")"
    ip netns exec "$(host_ns "$h")" "$(roam_bin roamd)" -c "$RUN/roamd-$n.conf" \
        </dev/null >>"$(roamd_log "$h")" 2>&1 &
    echo $! >"$(roamd_pidfile "$h")"
    wait_for 10 grep -q ' ready: ' "$(roamd_log "$h")" ||
        die "roamd on $h did not start: $(tail -n 3 "$(roamd_log "$h")")"
}

roamd_stop() { # HOST
    local f; f=$(roamd_pidfile "$1")
    [ -s "$f" ] && kill_wait "$(cat "$f")"
    rm -f "$f"
}

roam_up() { # build, keys, daemons (the lab must be up)
    roam_build
    roam_pki
    roam_kgc
    roamd_start A
    roamd_start B
}

roam_down() { roamd_stop A; roamd_stop B; }

# roam migrate as USER from the user node: roam_migrate USER FROM TO [ARGS...]
roam_migrate() {
    local user=$1 from=$2 to=$3; shift 3
    ip netns exec "$NS_U" "$(roam_bin roam)" migrate "$VM" --from "[$(host_addr "$from")]" \
        --to "[$(host_addr "$to")]" --key "$ROAM_KEYS/users/$user.key" --mpk "$ROAM_KEYS/mpk.pem" \
        --ca "$ROAM_KEYS/ca.pem" "$@"
}
