# lab/lib/wan.sh: the WAN between the lab's sites (`lab/lab up --wan RTT_MS`).
# Every packet the router forwards goes from one site (provider A, provider
# B, the user network, the services network) to another, so holding each
# forwarded packet for half the RTT puts that RTT between every pair of
# sites while traffic inside one site stays as it was — the paper's Fig.
# 4(b).  The kernel has no netem, so the delay line is lab/delayline on
# NFQUEUE, one queue per site (its own link, for --wan-rate).  Sourced by
# lab/lab after common.sh and topo.sh.  See docs/lab.md "WAN".
# shellcheck shell=bash

WAN_QUEUE_BASE=${ROAM_LAB_WAN_QUEUE:-100}
WAN_BUILD=${ROAM_BUILD:-$STATE/roam-build}

wan_bin() { echo "${ROAM_DELAYLINE:-$WAN_BUILD/lab/delayline/delayline}"; }

# Builds the delay line (in the same build dir as roam's daemons).
wan_build() {
    local src; src=$(cd "$LAB_DIR/.." && pwd)
    if [ -n "${ROAM_NO_BUILD:-}${ROAM_DELAYLINE:-}" ]; then
        [ -x "$(wan_bin)" ] || die "no delay line at $(wan_bin)"
        return 0
    fi
    if [ ! -f "$WAN_BUILD/build.ninja" ]; then
        meson setup "$WAN_BUILD" "$src" >"$STATE/roam-build.log" 2>&1 ||
            die "meson setup failed (see $STATE/roam-build.log)"
    fi
    ninja -C "$WAN_BUILD" lab/delayline/delayline >>"$STATE/roam-build.log" 2>&1 ||
        die "cannot build the delay line (needs libnetfilter-queue-dev and libmnl-dev; see $STATE/roam-build.log)"
}

# The router's links, one per site, with their queue numbers: "IF:QUEUE".
wan_links() {
    local i=0 l
    for l in to-a to-b to-u to-s; do echo "$l:$((WAN_QUEUE_BASE + i))"; i=$((i + 1)); done
}

# The ip6tables match for packets that entered the router from link $1.  In
# --l2 the provider links are ports of the router's bridge brl2: traffic
# between A and B is bridged, and reaches ip6tables only through
# br_netfilter, matched by its bridge port.
wan_match() {
    if [ "$(mode)" = l2 ] && [[ $1 == to-[ab] ]]; then echo "-m physdev --physdev-in $1"; else echo "-i $1"; fi
}

# RTT_MS -> one-way delay in microseconds (rounded).
wan_delay_us() { awk -v r="$1" 'BEGIN { printf "%d\n", r * 500 + 0.5 }'; }

wan_valid_rtt() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v r="$1" 'BEGIN { exit !(r > 0 && r <= 10000) }'; }
wan_valid_rate() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v r="$1" 'BEGIN { exit !(r > 0 && r <= 1000000) }'; }

wan_rules() { # add|del
    local op=-A l
    [ "$1" = del ] && op=-D
    for l in $(wan_links); do
        # shellcheck disable=SC2046 # the match is several words
        nsx "$NS_R" ip6tables "$op" FORWARD $(wan_match "${l%%:*}") \
            -j NFQUEUE --queue-num "${l#*:}" --queue-bypass 2>/dev/null || [ "$1" = del ] || return 1
    done
}

# The sites' TCP buffer limits, raised as on any host that talks over a long
# fat path: Linux's default 4 MiB send buffer caps one connection at about
# 800 Mbit/s at 25 ms, below what the migration stream reaches here.
wan_tune_hosts() {
    local ns
    for ns in "$NS_A" "$NS_B" "$NS_U" "$NS_S"; do
        nsx "$ns" sysctl -qw net.ipv4.tcp_wmem="4096 16384 33554432"             net.ipv4.tcp_rmem="4096 131072 33554432" || return 1
    done
}

# wan_start RTT_MS [MBIT]: the delay line in the router, then its rules.
# --queue-bypass only covers the time the program is not running (it lets
# packets pass undelayed then); while it runs, nothing passes undelayed.
wan_start() {
    local rtt=$1 rate=${2:-} q=() l
    wan_build
    for l in $(wan_links); do q+=(--queue "${l#*:}"); done
    if [ "$(mode)" = l2 ]; then
        nsx "$NS_R" sysctl -qw net.bridge.bridge-nf-call-ip6tables=1 ||
            die "--wan with --l2 needs br_netfilter (net.bridge.bridge-nf-call-ip6tables)"
    fi
    : >"$RUN/delayline.log"
    ip netns exec "$NS_R" "$(wan_bin)" "${q[@]}" --delay-us "$(wan_delay_us "$rtt")" \
        ${rate:+--rate "$rate"} --realtime >>"$RUN/delayline.log" 2>&1 &
    echo $! >"$RUN/delayline.pid"
    wait_for 10 grep -q '^delayline: ready' "$RUN/delayline.log" ||
        die "the delay line did not start (see $RUN/delayline.log)"
    wan_tune_hosts || log "warning: could not raise the sites' TCP buffer limits"
    wan_rules add || { wan_stop; die "ip6tables NFQUEUE rules in the router failed"; }
    echo "$rtt${rate:+ $rate}" >"$RUN/wan"
    log "WAN: RTT $rtt ms between the sites (one-way $(wan_delay_us "$rtt") us)${rate:+, $rate Mbit/s per site}"
}

# Rules first, so nothing queues for a program that has gone; the delay line
# accepts what it holds when it stops (SIGTERM).
wan_stop() {
    [ -e "/run/netns/$NS_R" ] && wan_rules del
    [ -s "$RUN/delayline.pid" ] && kill_wait "$(cat "$RUN/delayline.pid")"
    rm -f "$RUN/delayline.pid" "$RUN/wan"
}

wan_running() { [ -s "$RUN/delayline.pid" ] && kill -0 "$(cat "$RUN/delayline.pid")" 2>/dev/null; }

# wan_apply RTT_MS|"" [MBIT]: the WAN as asked (none when RTT is empty);
# restarts the delay line only when the setting changed or it died.
wan_apply() {
    local want="${1:+$1${2:+ $2}}"
    if [ -n "$want" ] && [ "$(cat "$RUN/wan" 2>/dev/null)" = "$want" ] && wan_running; then return 0; fi
    if [ -e "$RUN/wan" ] || [ -e "$RUN/delayline.pid" ]; then wan_stop; fi
    [ -z "$1" ] || wan_start "$1" "${2:-}"
}

# One line for `lab/lab status`.
wan_status() {
    local w rate
    if [ ! -e "$RUN/wan" ]; then echo "WAN: none (LAN between the sites)"; return 0; fi
    read -r w rate <"$RUN/wan"
    echo "WAN: RTT $w ms between the sites (one-way $(wan_delay_us "$w") us)${rate:+, $rate Mbit/s per site}, delay line $(wan_running && echo "pid $(cat "$RUN/delayline.pid")" || echo "NOT RUNNING (packets pass undelayed)")"
}
