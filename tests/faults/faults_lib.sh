# tests/faults/faults_lib.sh: what the fault tests share (sourced after
# tests/e2e/e2e_env.sh and lab/lib/mobility.sh): where the VM runs and how
# its NICs stand, the hosts' in-flight records and audit logs, killing and
# restarting daemons, and holding a migration at one of its phases by
# dropping packets (on the router, or on a host's VM bridge).
# shellcheck shell=bash
# The names below are the tests' (they source this file).
# shellcheck disable=SC2034

link_of() { virsh_h "$1" domif-getlink "$VM" "$2" 2>/dev/null | awk '{print $2}'; }
links() { echo "$(link_of "$1" "$MAC_PRIMARY")/$(link_of "$1" "$MAC_SECONDARY")"; }
links_are() { [ "$(links "$1")" = "$2" ]; }
# The NICs of a VM that arrived on HOST: the primary is A's, so on A it is up.
arrived_links() { if [ "$1" = A ]; then echo up/down; else echo down/up; fi; }
state_on() { virsh_h "$1" domstate "$VM" 2>/dev/null | head -n 1; }
running_on() { [ "$(state_on "$1")" = running ]; }
# Running on H, and on the other host neither running nor paused.
only_on() {
    running_on "$1" || return 1
    case $(state_on "$(other_host "$1")") in running | paused) return 1 ;; esac
}
audit_has() { grep -q "$2" "$(roamd_audit "$1")"; }
records() { # HOST: its in-flight records' names (set-aside *.bad ones too)
    local f
    for f in "$RUN/roamd-${1,,}.state/inflight/"*; do [ -e "$f" ] && basename "$f"; done
}
no_records() { [ -z "$(records "$1")" ]; }
# The outgoing job's memory figures (virsh picks a unit per figure).
job_mem() { virsh_h "$1" domjobinfo "$VM" 2>/dev/null | grep -E '^(Job type|Memory (remaining|total)):'; }
job_done_pct() { # HOST PCT: the outgoing job runs and at least PCT % of the memory was sent
    job_mem "$1" | awk -v pct="$2" '
        function bytes(v, u) { return v * (u == "GiB" ? 2^30 : u == "MiB" ? 2^20 : u == "KiB" ? 2^10 : 1) }
        /^Job type:/ { run = $3 == "Unbounded" }
        /^Memory remaining:/ { r = bytes($3, $4) } /^Memory total:/ { t = bytes($3, $4) }
        END { exit !(run && t > 0 && r * 100 <= t * (100 - pct)) }'
}
at_copy() { # CELL HOST PCT: wait until PCT % of the copy, and say how far it is
    wait_for 60 job_done_pct "$2" "$3" || echo "# $1: job not seen at $3 %"
    echo "# $1: $(job_mem "$2" | tr '\n' ' ')"
}
roamd_kill() { # HOST: SIGKILL, as a crash would
    local f; f=$(roamd_pidfile "$1")
    kill -9 "$(cat "$f")" 2>/dev/null
    wait_for 5 pid_gone "$(cat "$f")"
    rm -f "$f"
}
libvirtd_kill() { # HOST: SIGKILL libvirtd alone (its QEMUs live on)
    local p; p=$(cat "$(host_dir "$1")/libvirtd.pid")
    kill -9 "$p" 2>/dev/null
    wait_for 5 pid_gone "$p"
}
# (in subshells: the lab's helpers exit on failure; a slow start is retried)
restart_libvirtd() { # HOST LOG
    { (libvirtd_start "$1" && libvirtd_wait "$1"); } >"$2" 2>&1 ||
        { sleep 5; (libvirtd_start "$1" && libvirtd_wait "$1"); } >>"$2" 2>&1 ||
        tail -n 5 "$(host_dir "$1")/libvirtd.out" >>"$2"
}
ims_kill() {
    local p; p=$(cat "$RUN/ims.pid" 2>/dev/null)
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null && wait_for 5 pid_gone "$p"
    rm -f "$RUN/ims.pid"
}
ims_start() { mob_daemon_start ims "$NS_S" mob_ims_conf "$(roam_bin roam-ims)"; }
# The IMS maps the VM's home address to an address in HOST's prefix.
ims_active_on() { mob_query "$MOB_IMS_ADDR" 2>/dev/null | grep -q " $(host_prefix "$1"):[0-9a-f:]*=active"; }

out=$RUN/faults.out
migrate_bg() { roam_migrate alice "$1" "$2" --bandwidth "$BW" --locate-wait 90 >"$out" 2>&1 & mig=$!; }
query_of() { grep -o 'query id [0-9a-f]\{32\}' "$out" | awk '{print $3}'; }
# The restarted daemon: up, every record resolved within 30 s, --check
# lists none.
clean_restart() { # HOST CELL
    roamd_start "$1"
    wait_for 30 no_records "$1"
    point $? "$2: restarted roamd $1 resolved its in-flight records ($(records "$1" | tr '\n' ' '))"
    check_listed_none "$1" "$2"
}
check_listed_none() { # HOST CELL
    local c
    c=$(ip netns exec "$(host_ns "$1")" "$(roam_bin roamd)" -c "$RUN/roamd-${1,,}.conf" --check 2>&1)
    case $c in *in-flight*) point 1 "$2: roamd --check on $1 lists no in-flight migration" ;;
               *) point 0 "$2: roamd --check on $1 lists no in-flight migration" ;; esac
}

# The guest's Neighbor Advertisements to host H's own stack dropped on its
# VM bridge (add) or let through again (delete): H's check of the VM's new
# address gets no answer meanwhile.  block_nas H add|delete [MAC]
block_nas() {
    if [ "$2" = add ]; then
        printf 'table bridge roam_faults_na {\n chain input {\n  type filter hook input priority 0; policy accept;\n  ether saddr %s icmpv6 type nd-neighbor-advert counter drop\n }\n}\n' \
            "$3" | nsx "$(host_ns "$1")" nft -f -
    else
        nsx "$(host_ns "$1")" nft delete table bridge roam_faults_na
    fi
}
# The NIC that becomes the VM's active one when it leaves H: the one down there.
standby_mac() { if links_are "$1" up/down; then echo "$MAC_SECONDARY"; else echo "$MAC_PRIMARY"; fi; }

# A table of drop rules on the router: router_drops NAME add RULES... adds
# it with each rule in the forward chain (and, with --output first, in the
# output chain too); router_drops NAME delete removes it.
router_drops() {
    local name=$1 op=$2; shift 2
    if [ "$op" = delete ]; then
        nsx "$NS_R" nft delete table inet "$name"
        return
    fi
    local out=0 r rules=""
    if [ "${1:-}" = --output ]; then out=1; shift; fi
    for r in "$@"; do rules+="        $r"$'\n'; done
    {
        echo "table inet $name {"
        echo "    chain forward {"
        echo "        type filter hook forward priority -10; policy accept;"
        printf '%s' "$rules"
        echo "    }"
        if [ $out = 1 ]; then
            echo "    chain output {"
            echo "        type filter hook output priority 0; policy accept;"
            printf '%s' "$rules"
            echo "    }"
        fi
        echo "}"
    } | nsx "$NS_R" nft -f -
}
# The packets a router table's rules have counted (rules written with
# "counter"): router_dropped NAME.
router_dropped() {
    nsx "$NS_R" nft list table inet "$1" 2>/dev/null |
        awk '{ for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1) } END { print s + 0 }'
}
cut_links() { # add|delete: every packet between the providers' prefixes dropped
    router_drops roam_faults_cut "$1" \
        "ip6 saddr $(host_prefix A)::/48 ip6 daddr $(host_prefix B)::/48 drop" \
        "ip6 saddr $(host_prefix B)::/48 ip6 daddr $(host_prefix A)::/48 drop"
}
block_ras() { # add|delete: the router's RAs dropped
    router_drops roam_faults_ra "$1" --output "icmpv6 type nd-router-advert counter drop"
}
admitted() { grep -c '"outcome":"admitted"' "$(roamd_audit "$1")"; }
# roamd's RA guard (an nft set on each host's VM bridge) is there only
# during a migration: empty or absent on HOST.
no_ra_guard() {
    local s
    s=$(nsx "$(host_ns "$1")" nft list set bridge roamd standby_taps 2>/dev/null) || return 0
    ! grep -q 'elements' <<<"$s"
}

# The lab for a fault test: up without disks, the IMS on SQLite, both
# roamds, and the guest's memory in use and changing (a fresh guest's is
# mostly zero pages, which cross at once), slower than the copy so that
# every migration ends.  Bails out (TAP) when it cannot.  T0: when the
# test began (now_ms).
faults_lab_up() {
    local t0=$1
    "$LAB" down >/dev/null 2>&1
    if ! "$LAB" up --no-disk --ims sqlite 2>&1 | diag; then echo "Bail out! lab up failed"; return 1; fi
    vm_host >/dev/null || { echo "Bail out! lab VM not running"; return 1; }
    roam_up 2>&1 | diag
    if ! { roamd_running A && roamd_running B; }; then echo "Bail out! roamd did not start"; return 1; fi
    echo "# lab and daemons up in $(( $(now_ms) - t0 )) ms"
    "$LAB" guest-exec 'dirty 50 6 >/dev/null 2>&1 &' >/dev/null 2>&1
}

# After all of it: a plain migration works.  Sets from, to and rc.
after_plain_migration() {
    from=$(vm_host) to=$(other_host "$(vm_host)")
    "$LAB" guest-exec 'killall dirty' >/dev/null 2>&1
    roam_migrate alice "$from" "$to" >"$out" 2>&1
    rc=$?
    diag <"$out"
    point $rc "after: $from -> $to works"
}

# After a failure: the end of the guest's console on each host (a panic or
# a lockup shows there; the kernel runs with "quiet", so errors only).
guest_consoles() {
    local h
    for h in A B; do
        echo "# the guest's console on $h (last 30 lines):"
        tail -n 30 "$(host_dir "$h")/log/qemu/$VM.console" 2>/dev/null | diag
    done
}
