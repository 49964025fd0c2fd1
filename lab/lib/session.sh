# lab/lib/session.sh: what the user node sees of the VM across a migration
# — a ping every 10 ms and a TCP session (roam-tcp, one echo every 10 ms)
# to one of its addresses — and what they saw: the longest ping gap,
# whether the session survived.  Sourced after lab/lib/common.sh, topo.sh,
# vm.sh and measure.sh (ping_start, ping_summary), by lab/demo and
# bench/interruption.
# shellcheck shell=bash

SESS_TCP_PORT=7007

# The guest's TCP echo service answers at ADDR from the user node, started
# if it runs no more (an earlier session may have ended with it).
sess_echo_up() { # ADDR
    sess_echo_answers "$1" && return 0
    # One that runs but no longer answers (seen after a session that timed
    # out mid-migration) is started afresh.
    if [ -n "$(guest_exec 10 'pidof roam-tcp' 2>/dev/null)" ]; then
        log "the guest's TCP echo service runs but does not answer at $1: starting it again"
        guest_exec 10 'killall roam-tcp; sleep 0.2' >/dev/null 2>&1
    fi
    guest_exec 10 "roam-tcp echo $SESS_TCP_PORT >/dev/null 2>&1 &" >/dev/null
    wait_for 20 sess_echo_answers "$1"
}
sess_echo_answers() { ip netns exec "$NS_U" "$STATE/bin/roam-tcp" client "$1" "$SESS_TCP_PORT" 0.2 50 >/dev/null 2>&1; }

# Ping ADDR and hold a TCP session to it for SECONDS at most (sess_stop
# ends both sooner); their outputs go to PING_FILE and TCP_FILE.
sess_start() { # ADDR PING_FILE TCP_FILE SECONDS
    SESS_PING=$2 SESS_TCP=$3
    ip netns exec "$NS_U" "$STATE/bin/roam-tcp" client "$1" "$SESS_TCP_PORT" "$4" 10 \
        >"$SESS_TCP" 2>&1 &
    SESS_TCP_PID=$!
    ping_start "$1" "$SESS_PING"
}

# End both; 0 if the TCP session survived and every echo came back.
sess_stop() {
    [ -n "${SESS_TCP_PID:-}" ] || return 1
    ping_stop
    kill -INT "$SESS_TCP_PID" 2>/dev/null
    wait "$SESS_TCP_PID" && grep -q 'status=ok' "$SESS_TCP"
    local ok=$?
    SESS_TCP_PID=
    return $ok
}

# The longest ping gap of the last session (of a `ping -D` output FILE), in ms.
sess_gap() { sess_gap_of "$SESS_PING"; }
sess_gap_of() { ping_summary x <"$1" | sed -n 's/.*longest gap \([0-9]*\) ms.*/\1/p'; }

# The TCP session's own line (sent=N echoed=M longest_gap_ms=G status=S).
sess_tcp() { tail -n 1 "$SESS_TCP"; }
