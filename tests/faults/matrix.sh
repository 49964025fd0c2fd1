#!/usr/bin/env bash
# tests/faults/matrix.sh: the whole fault matrix on the lab (TAP; root; its
# own lab state dir, lab/state/faults-matrix).  Each cell holds a migration
# at one phase and injects one fault there:
#   phases  dst-auth   the client's connection to the destination held
#           src-auth   the client's connection to the source held
#           admission  the source's link to the destination held (both
#                      authentications done, the AdmissionQuery not sent)
#           ra         the router's RAs dropped, the destination's cache
#                      emptied (it has admitted and waits for an RA)
#           copy10, copy50, copy90
#                      10, 50, 90 % of the memory copy
#           post       the VM runs on the destination, whose address check
#                      waits (the guest's answers dropped there)
#   faults  src        the source's roamd SIGKILLed, restarted 2 s later
#           dst        the destination's roamd, likewise
#           libvirtd   the destination's libvirtd, likewise
#           ims        roam-ims, likewise
#           cut        every packet between the providers dropped for 5 s
# A hold is let go 1 s after the fault.  Whatever the outcome, each cell
# then checks what must always hold: the client finished and told the
# truth (exit 0, 7 or 8 when and only when the VM moved); the VM runs
# exactly once and answers; its NICs are as before, or as after a move;
# no RA guard and no in-flight record is left on either host, and roamd
# --check lists none; the query is in the audit log of each host that
# took part in a move (of one at least otherwise); the IMS maps the VM to
# an address of the host it runs on.  It prints the outcome table and
# writes it as CSV ($ROAM_FAULTS_MATRIX_CSV, default
# lab/state/faults-matrix/matrix.csv).  Not in CI (40 cells, about 9
# minutes here): run it as
#   ROAM_BUILD=build tests/faults/matrix.sh
# PHASES and FAULTS (space-separated) pick a part of the matrix;
# ROAM_FAULTS_KEEP=1 leaves the lab up at the end (its daemons then hold
# the state dir's e2e lock: ROAM_LAB_STATE=lab/state/faults-matrix
# lab/lab down ends it).
set -u
E2E_STATE=${ROAM_FAULTS_STATE:-faults-matrix}
# shellcheck source=../e2e/e2e_env.sh
source "$(dirname "$0")/../e2e/e2e_env.sh"
ROAM_LAB_IMS=sqlite
# shellcheck source=../../lab/lib/mobility.sh
source "$SRC/lab/lib/mobility.sh"
# shellcheck source=faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"
BW=${ROAM_FAULTS_BANDWIDTH:-24}
PHASES=${PHASES:-dst-auth src-auth admission ra copy10 copy50 copy90 post}
FAULTS=${FAULTS:-src dst libvirtd ims cut}
CSV=${ROAM_FAULTS_MATRIX_CSV:-$STATE/matrix.csv}

# The hosts' audit and daemon logs are kept in $STATE/evidence; with
# ROAM_FAULTS_KEEP=1 the lab stays up afterwards, for a look.
cleanup() {
    mkdir -p "$STATE/evidence"
    cp "$RUN"/roamd-*.audit.jsonl "$RUN"/roamd-*.log* "$RUN"/ims.log "$STATE/evidence/" 2>/dev/null
    [ "${ROAM_FAULTS_KEEP:-0}" = 1 ] && return
    roam_down 2>/dev/null; "$LAB" down >/dev/null 2>&1
}
trap cleanup EXIT
t0=$(now_ms)
faults_lab_up "$t0" || exit 1

# Holding a phase: hold_arm PHASE (before the migration starts),
# hold_reached PHASE (the migration is there), hold_release PHASE.
hold_table() { # RULE: a router table that drops and counts what RULE matches
    router_drops roam_faults_hold add "$1 counter drop"
}
held() { [ "$(router_dropped roam_faults_hold)" -gt 0 ]; }
hold_arm() {
    case $1 in
        dst-auth) hold_table "ip6 daddr $(host_addr "$to") tcp dport $ROAM_PORT" ;;
        src-auth) hold_table "ip6 daddr $(host_addr "$from") tcp dport $ROAM_PORT" ;;
        admission) hold_table "ip6 saddr $(host_addr "$from") ip6 daddr $(host_addr "$to") tcp dport $ROAM_PEER_PORT" ;;
        ra) block_ras add; roamd_stop "$to"; roamd_start "$to"; n0=$(admitted "$to") ;;
        post) block_nas "$to" add "$(standby_mac "$from")" ;;
    esac
}
more_admitted() { [ "$(admitted "$to")" -gt "$n0" ]; }
hold_reached() {
    case $1 in
        dst-auth | src-auth) wait_for 30 held ;;
        # The source opens its link while it authenticates the client: a
        # moment more, and both authentications are done.
        admission) wait_for 30 held && sleep 0.3 ;;
        ra) wait_for 30 more_admitted ;;
        copy*) wait_for 60 job_done_pct "$from" "${1#copy}" ;;
        post) wait_for 60 running_on "$to" ;;
    esac
}
hold_release() {
    case $1 in
        *-auth | admission) router_drops roam_faults_hold delete ;;
        ra) block_ras delete ;;
        post) block_nas "$to" delete ;;
    esac
}

inject() {
    case $1 in
        src) roamd_kill "$from" ;;
        dst) roamd_kill "$to" ;;
        libvirtd) libvirtd_kill "$to" ;;
        ims) ims_kill ;;
        cut) cut_links add ;;
    esac
}
restore() {
    case $1 in
        src) roamd_start "$from" ;;
        dst) roamd_start "$to" ;;
        libvirtd) restart_libvirtd "$to" "$RUN/faults-libvirtd.out"; diag <"$RUN/faults-libvirtd.out" ;;
        ims) ims_start ;;
        cut) cut_links delete ;;
    esac
}
restore_after() { case $1 in cut) echo 4 ;; *) echo 1 ;; esac; }

# What the guest says of itself (an uptime that went down: it rebooted),
# and when it does not answer, what its host says of it.
guest_evidence() { # CELL HOST
    local up
    up=$(guest_exec 5 cat /proc/uptime 2>/dev/null | awk '{print $1}')
    echo "# $1: guest uptime ${up:-?} s"
    [ -n "$up" ] || [ "$2" = none ] || {
        echo "# $1: on $2: $(state_on "$2"), agent socket $([ -S "$(agent_sock "$2")" ] && echo present || echo absent)"
        tail -n 20 "$(host_dir "$2")/log/qemu/$VM.console" 2>/dev/null | diag
    }
}

declare -A outcome
moved_rc() { case $1 in 0 | 7 | 8) return 0 ;; *) return 1 ;; esac; }
runs_once() { only_on "$to" || only_on "$from"; }
all_clean() { no_ra_guard A && no_ra_guard B && no_records A && no_records B; }
daemons_up() { roamd_running A && roamd_running B && mob_pid_alive "$RUN/ims.pid" && virsh_h "$to" version >/dev/null 2>&1; }

cell() { # PHASE FAULT
    local phase=$1 fault=$2 c="$1/$2" rc where want q ok0=$failed
    from=$(vm_host) to=$(other_host "$(vm_host)")
    local before; before=$(links "$from")
    echo "# $c: $from -> $to, NICs on $from $before"
    hold_arm "$phase"
    migrate_bg "$from" "$to"
    if hold_reached "$phase"; then echo "# $c: phase reached"; else echo "# $c: phase not seen"; fi
    inject "$fault"
    echo "# $c: $fault injected"
    sleep 1
    hold_release "$phase"
    sleep "$(restore_after "$fault")"
    restore "$fault"
    wait_for 240 pid_gone "$mig" || kill "$mig" 2>/dev/null
    wait "$mig"
    rc=$?
    diag <"$out"
    wait_for 60 runs_once
    if only_on "$to"; then where=$to; elif only_on "$from"; then where=$from; else where=none; fi
    point "$([ "$where" != none ]; echo $?)" "$c: the VM runs exactly once, on $where ($(state_on A)/$(state_on B))"
    if moved_rc "$rc"; then [ "$where" = "$to" ]; else [ "$where" = "$from" ]; fi
    point $? "$c: the client's exit $rc agrees"
    if [ "$where" = "$to" ]; then want=$(arrived_links "$to"); else want=$before; fi
    [ "$where" = none ] || { wait_for 30 links_are "$where" "$want"
        point $? "$c: NICs on $where as they should be ($(links "$where"), want $want)"; }
    wait_for 30 all_clean
    point $? "$c: no RA guard and no in-flight record left ($(records A | tr '\n' ' ')/$(records B | tr '\n' ' '))"
    check_listed_none A "$c"
    check_listed_none B "$c"
    q=$(query_of)
    if [ "$where" = "$to" ]; then
        audit_has "$from" "$q" && audit_has "$to" "$q"
    else
        [ -z "$q" ] || audit_has "$from" "$q" || audit_has "$to" "$q"
    fi
    point $? "$c: the query ${q:-(none)} audited"
    wait_for 30 guest_ready
    point $? "$c: the guest answers"
    guest_evidence "$c" "$where"
    [ "$where" = none ] || { wait_for 60 ims_active_on "$where"
        point $? "$c: the IMS maps the VM to an address of $where"; }
    check "$c: every daemon runs" daemons_up
    local verdict
    if [ "$where" = "$to" ]; then verdict="moved ($rc)"; else verdict="stayed ($rc)"; fi
    [ "$failed" -eq "$ok0" ] || verdict="$verdict FAILED"
    outcome[$c]=$verdict
    echo "$phase,$fault,$from,$to,$rc,$where,$([ "$failed" -eq "$ok0" ] && echo ok || echo failed)" >>"$CSV"
}

echo "phase,fault,from,to,exit,vm_on,checks" >"$CSV"
for p in $PHASES; do
    for f in $FAULTS; do
        cell "$p" "$f"
    done
done

after_plain_migration

# The outcome table (exit status of roam migrate; FAILED: a check failed).
{
    printf '| phase |'; for f in $FAULTS; do printf ' %s |' "$f"; done; echo
    printf '| --- |'; for f in $FAULTS; do printf ' --- |'; done; echo
    for p in $PHASES; do
        printf '| %s |' "$p"
        for f in $FAULTS; do printf ' %s |' "${outcome[$p/$f]:-}"; done
        echo
    done
} | diag
echo "# CSV: $CSV"
[ "$failed" -eq 0 ] || guest_consoles
echo "# faults matrix total $(( $(now_ms) - t0 )) ms"
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
