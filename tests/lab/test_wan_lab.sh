#!/usr/bin/env bash
# tests/lab/test_wan_lab.sh: TAP test of `lab/lab up --wan` on the real lab —
# the RTT between the sites (provider to provider, user to provider) within
# 1 ms of the setting, no delay inside a provider, and a baseline
# migration's throughput (memory moved / job time) through the delay line
# (at ~0 delay) at least 80 % of the same lab without it (the median ratio
# of rounds that run one migration of each kind back to back; the figure
# over the WAN itself is reported), then removing the WAN and a clean
# `down`.
# Uses the same state dir and lock as test_lab.sh.  Needs root; skips
# otherwise, or when the delay line cannot be built.
# The checks are functions run through check's "$@": not dead code, as SC2317
# would have it.
# shellcheck disable=SC2317
set -u
if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi
if ! pkg-config --exists libnetfilter_queue libmnl 2>/dev/null && [ ! -x "${ROAM_DELAYLINE:-}" ]; then
    echo "1..0 # SKIP no delay line (apt-get install libnetfilter-queue-dev libmnl-dev)"; exit 0
fi
TLOG=test-wan.log
# shellcheck source=lab_env.sh
source "$(dirname "$0")/lab_env.sh"

RTT=25.67

# rtt_near FROM ADDR: the fastest of 20 echoes within 1 ms of $RTT (the
# delay line never releases early; a busy machine delays some echoes, which
# a mean would count); the mean is shown.
rtt_near() {
    local min avg
    nsx "$1" ping -6 -n -q -c 2 -W 3 "$2" >/dev/null
    read -r min avg < <(nsx "$1" ping -6 -n -q -c 20 -i 0.05 "$2" |
        sed -n 's|^rtt [^=]*= \([^/]*\)/\([^/]*\)/.*|\1 \2|p')
    echo "fastest RTT $min ms, mean $avg ms"
    awk -v g="$min" -v w="$RTT" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= 1) }'
}
# Inside provider A (host and its VM) the fastest of 10 echoes stays in LAN range.
local_fast() {
    local min
    min=$(nsx A ping -6 -n -q -c 10 -i 0.1 "$(lab vm-addr)" | sed -n 's|^rtt [^=]*= \([^/]*\)/.*|\1|p')
    echo "fastest RTT host A -> VM $min ms"
    awk -v m="$min" 'BEGIN { exit !(m != "" && m < 5) }'
}
wan_shown() { lab status | grep -q "^WAN: RTT $RTT ms .*delay line pid [0-9]"; }
# No delay line left in the router (a zombie not yet reaped does not count).
delayline_in_router() {
    local pid
    for pid in $(ip netns pids "$(lab ns R)"); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = delayline ] &&
            [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] && return 0
    done
    return 1
}
wan_gone() { lab status | grep '^WAN' && lab status | grep -q '^WAN: none' && ! delayline_in_router; }
# migrate_bw wan|lan: one baseline migration to the other host; appends
# its throughput, the memory libvirt moved over the job's whole time
# (MiB/s), to a file per case (check runs this in a subshell).  Not
# libvirt's "Memory bandwidth": that is the rate of the last second or
# pass only, which in a 2-second migration swings by half from run to run.
bw_file() { echo "$ROAM_LAB_STATE/test-wan.bw-$1"; }
migrate_bw() {
    local out bw
    out=$(lab migrate-baseline) || { echo "$out"; return 1; }
    echo "$out"
    bw=$(lab virsh "$(lab vm-host)" domjobinfo "$VM" --completed --keep-completed | awk -F: '
        function mib(v,  a) { split(v, a, " "); return a[2] == "GiB" ? a[1] * 1024 : a[2] == "KiB" ? a[1] / 1024 : a[1] }
        /^Time elapsed:/ { split($2, t, " "); ms = t[1] }
        /^Memory processed:/ { m = mib($2) }
        END { if (ms > 0 && m > 0) printf "%.1f\n", m / (ms / 1000) }')
    echo "throughput $bw MiB/s (memory processed / job time)"
    [ -n "$bw" ] && echo "$bw" >>"$(bw_file "$1")"
}
median() { sort -g "$(bw_file "$1")" | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The delay line's own cost: migrations through it at ~0 delay against
# none.  Each round runs one of each kind, in the order line-lan, lan-line,
# ... so that the direction the guest moves in falls on both kinds alike,
# and the two runs of a round are neighbours in time: the machine's other
# work, which can halve a single run, drifts slowly, so the ratio within a
# round holds what the delay line costs, and the median of the rounds'
# ratios must be at least 0.8 (six rounds: a single round's ratio ranges
# over 0.65-1.2 on an idle machine).  When six rounds fall short, two more are
# run.  Over the 25.67 ms WAN the same migration is slower for a reason
# that is not the delay line's: TCP needs ~8 round trips (~0.2 s) to open
# its window, a large part of a transfer that takes ~1 s here; that ratio
# is reported, not asserted.
path_is() { # line|lan
    if [ "$1" = line ]; then lab up --wan 0.01; else lab up; fi
}
round() { # FIRST SECOND: one migration each way of the path
    path_is "$1" && migrate_bw "$1" && path_is "$2" && migrate_bw "$2"
}
# The ratio line/LAN of each round (its two runs were neighbours in time),
# and their median.
round_ratios() {
    paste -d' ' "$(bw_file line)" "$(bw_file lan)" | awk '$1 > 0 && $2 > 0 { printf "%.3f\n", $1 / $2 }'
}
ratio_median() { round_ratios | sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
throughput_ratio_ok() {
    awk -v r="$(ratio_median)" 'BEGIN { exit !(r != "" && r >= 0.8) }'
}
throughput_kept() {
    echo "through the delay line at ~0 delay: $(tr '\n' ' ' <"$(bw_file line)")MiB/s; without: $(tr '\n' ' ' <"$(bw_file lan)")MiB/s"
    echo "ratio per round: $(round_ratios | tr '\n' ' ')median $(ratio_median)"
    throughput_ratio_ok
}
rm -f "$(bw_file wan)" "$(bw_file line)" "$(bw_file lan)"

echo "# lab up --wan $RTT, three migrations; then through the delay line at ~0 delay and without a WAN, alternating, six each (about 5 minutes)"
check "lab up --wan $RTT" lab up --wan "$RTT"
check "status shows the WAN and the delay line" wan_shown
check "host A -> host B: RTT within 1 ms of $RTT" rtt_near A 2001:db8:b::2
check "user node -> host A: RTT within 1 ms of $RTT" rtt_near U 2001:db8:a::2
check "inside provider A no delay" local_fast
check "migrate-baseline over the WAN" migrate_bw wan
check "migrate-baseline back over the WAN" migrate_bw wan
check "migrate-baseline over the WAN, third" migrate_bw wan
check "lab up without --wan removes the WAN" lab up
check "status shows no WAN, no delay line left" wan_gone
check "round 1: without the WAN, then through the delay line (lab up --wan 0.01)" round lan line
check "round 2: through the delay line, then without" round line lan
check "round 3: without, then through the delay line" round lan line
check "round 4: through the delay line, then without" round line lan
check "round 5: without, then through the delay line" round lan line
check "round 6: through the delay line, then without" round line lan
if ! throughput_ratio_ok; then
    echo "# the rounds' median ratio is under 0.8 after six rounds: two more"
    check "round 7: without, then through the delay line" round lan line
    check "round 8: through the delay line, then without" round line lan
fi
check "migration throughput through the delay line at least 80 % of without" throughput_kept
echo "# over the WAN ($RTT ms): $(tr '\n' ' ' <"$(bw_file wan)")MiB/s, median $(median wan) against $(median lan) without"
check "lab down" lab down
echo "1..$n"
echo "# details in $tlog"
exit $(( failed > 0 ))
