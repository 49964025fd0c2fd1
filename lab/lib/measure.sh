# lab/lib/measure.sh: the paper's baseline measurements — plain admin live
# migration with libvirt's job statistics, and ICMPv6 interruption (longest
# gap between echo replies) seen from the user node.
# shellcheck shell=bash

# Prints one field of `domjobinfo` output with its unit ("984 ms", "1.2 GiB").
jobinfo_field() { awk -F: -v k="$2" '$1 == k {split($2, v, " "); print v[1] (v[2] == "" ? "" : " " v[2])}' <<<"$1"; }

# migrate_baseline DST [VIRSH-ARGS...]: virsh migrate --live --p2p
# --persistent --undefinesource over the lab network (libvirtd to libvirtd
# over TLS; the data with --tls unless the lab runs with --no-tls), then the
# completed job's statistics read on the destination.  Returns non-zero (never exits)
# so that callers can stop what they started around it.
migrate_baseline() {
    local dst=$1 src t0 t1 info tls=(); shift
    src=$(vm_host) || { log "the VM runs nowhere"; return 1; }
    [ "$src" != "$dst" ] || { log "the VM already runs on host $dst"; return 1; }
    [ "$(lab_tls)" = yes ] && tls=(--tls)
    local disk_args
    mapfile -t disk_args < <(baseline_disk_args "$src" "$dst") || true
    t0=$(now_ms)
    virsh_h "$src" migrate --live --p2p --persistent --undefinesource "${tls[@]}" "${disk_args[@]}" "$@" \
        "$VM" "$(host_tls_uri "$src" "$dst")" || { log "migration $src -> $dst failed"; return 1; }
    t1=$(now_ms)
    info=$(virsh_h "$dst" domjobinfo "$VM" --completed --keep-completed)
    printf 'migrate %s -> %s: total %d ms (virsh), job %s, downtime %s, memory %s in %s passes\n' \
        "$src" "$dst" $((t1 - t0)) "$(jobinfo_field "$info" 'Time elapsed')" \
        "$(jobinfo_field "$info" 'Total downtime')" "$(jobinfo_field "$info" 'Memory processed')" \
        "$(jobinfo_field "$info" 'Iteration')"
}

# Summarises `ping -D` output on stdin: replies, and the longest stretch
# without replies — between two consecutive replies (timestamps), or before
# the first / after the last one (missing sequence numbers times the mean
# send interval), so a VM that stops answering is not reported as fine.
ping_summary() {
    awk -v addr="$1" '
        /bytes from/ { t = substr($1, 2, length($1) - 2) + 0; n++
                       seq = $0; sub(/.*icmp_seq=/, "", seq); seq += 0
                       if (n == 1) first = seq
                       if (n > 1 && t - last > gap) gap = t - last; last = t; lastseq = seq }
        /packets transmitted/ { sent = $1; ms = $0; sub(/.*time /, "", ms); ms += 0 }
        END { per = sent ? ms / 1000 / sent : 0
              if (n == 0) gap = ms / 1000
              else { if ((first - 1) * per > gap) gap = (first - 1) * per
                     if ((sent - lastseq) * per > gap) gap = (sent - lastseq) * per }
              printf "ping %s: sent %d, received %d, longest gap %d ms\n", addr, sent, n, gap * 1000 }'
}

ping_start() { # ADDR OUTFILE: ICMPv6 echo every 10 ms from the user node
    ip netns exec "$NS_U" ping -6 -D -n -i 0.01 "$1" >"$2" 2>&1 &
    PING_PID=$!
}
ping_stop() { kill -INT "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; }

lab_ping() { # ADDR SECONDS
    local out=$RUN/ping.$$
    ping_start "$1" "$out"
    sleep "$2"
    ping_stop
    ping_summary "$1" <"$out"
    rm -f "$out"
}

# The guest's SLAAC address (primary NIC) on the host it runs on now.
vm_addr() {
    local h; h=$(vm_host) || die "the VM runs nowhere"
    eui64_addr "$(host_prefix "$h")" "$MAC_PRIMARY"
}
