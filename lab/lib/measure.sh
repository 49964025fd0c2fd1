# lab/lib/measure.sh: the paper's baseline measurements — plain admin live
# migration with libvirt's job statistics, and ICMPv6 interruption (longest
# gap between echo replies) seen from the user node.

# Prints one field of `domjobinfo` output with its unit ("984 ms", "1.2 GiB").
jobinfo_field() { awk -F: -v k="$2" '$1 == k {split($2, v, " "); print v[1] (v[2] == "" ? "" : " " v[2])}' <<<"$1"; }

# migrate_baseline DST [VIRSH-ARGS...]: virsh migrate --live --p2p
# --persistent --undefinesource over the lab network, then the completed
# job's statistics read on the destination.
migrate_baseline() {
    local dst=$1 src t0 t1 info; shift
    src=$(vm_host) || die "the VM runs nowhere"
    [ "$src" != "$dst" ] || die "the VM already runs on host $dst"
    t0=$(now_ms)
    virsh_h "$src" migrate --live --p2p --persistent --undefinesource "$@" \
        "$VM" "$(host_tcp_uri "$dst")" || die "migration $src -> $dst failed"
    t1=$(now_ms)
    info=$(virsh_h "$dst" domjobinfo "$VM" --completed --keep-completed)
    printf 'migrate %s -> %s: total %d ms (virsh), job %s, downtime %s, memory %s in %s passes\n' \
        "$src" "$dst" $((t1 - t0)) "$(jobinfo_field "$info" 'Time elapsed')" \
        "$(jobinfo_field "$info" 'Total downtime')" "$(jobinfo_field "$info" 'Memory processed')" \
        "$(jobinfo_field "$info" 'Iteration')"
}

# Summarises `ping -D` output on stdin: replies, longest gap between two
# consecutive replies (or the whole run when fewer than two came back).
ping_summary() {
    awk -v dur="$1" -v addr="$2" '
        /bytes from/ { t = substr($1, 2, length($1) - 2) + 0; n++
                       if (n > 1 && t - last > gap) gap = t - last; last = t }
        /packets transmitted/ { sent = $1 }
        END { if (n < 2) gap = dur
              printf "ping %s: sent %d, received %d, longest gap %d ms\n", addr, sent, n, gap * 1000 }'
}

ping_start() { # ADDR OUTFILE: ICMPv6 echo every 10 ms from the user node
    ip netns exec "$NS_U" ping -6 -D -n -i 0.01 "$1" >"$2" 2>&1 &
    PING_PID=$!
}
ping_stop() { kill -INT "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; }

lab_ping() { # ADDR SECONDS
    local out=$RUN/ping.$$ t0
    t0=$(now_ms)
    ping_start "$1" "$out"
    sleep "$2"
    ping_stop
    ping_summary "$(( ($(now_ms) - t0) / 1000 ))" "$1" <"$out"
    rm -f "$out"
}

# The guest's SLAAC address (primary NIC) on the host it runs on now.
vm_addr() {
    local h; h=$(vm_host) || die "the VM runs nowhere"
    eui64_addr "$(host_prefix "$h")" "$MAC_PRIMARY"
}
