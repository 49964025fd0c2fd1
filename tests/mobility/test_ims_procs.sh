#!/bin/sh
# The real roam-ims serves as two processes: the store process (the one
# started) holds the SQLite database, and its child, the network process,
# runs under the network seccomp filter (Seccomp: 2), as nobody when started
# as root, and cannot open the database (EACCES: "Permission denied", which
# it reports itself).  A query goes through both; the network process
# killed ends the store process; the store process killed ends the network
# process; a stop signal ends both.
# Usage: test_ims_procs.sh ROAM_IMS ROAM_MAT MOB_PKI SANITIZE
set -u
IMS_BIN=$1 MAT_BIN=$2 PKI_BIN=$3 SANITIZE=$4
N=0 FAIL=0
ok() { N=$((N + 1)); if [ "$1" = 0 ]; then echo "ok $N - $2"; else FAIL=$((FAIL + 1)); echo "not ok $N - $2"; fi; }
skip() { N=$((N + 1)); echo "ok $N # SKIP $1"; }
D=$(mktemp -d /tmp/roam-ims-procs.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

wait_log() {   # wait_log FILE PATTERN [TENTHS]
    i=0; while [ $i -lt "${3:-100}" ]; do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; i=$((i + 1)); done
    return 1
}
gone() {   # gone PID [TENTHS]: the process has ended
    i=0; while [ $i -lt "${2:-50}" ]; do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; i=$((i + 1)); done
    return 1
}
children() { tr -s ' ' '\n' <"/proc/$1/task/$1/children" 2>/dev/null | grep -c .; }
child() { tr -s ' ' '\n' <"/proc/$1/task/$1/children" 2>/dev/null | head -n 1; }
field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }

"$PKI_BIN" "$D" "IP:::1" >/dev/null && "$MAT_BIN" keygen --key "$D/mn.key" --pub "$D/mn.pub"
ok $? "test PKI and an enrolled key"
cat >"$D/ims.conf" <<CONF
[ims]
listen = ::1
port = 0
cert = $D/ims.pem
key = $D/ims.key
database = $D/ims.sqlite
open_queries = 1
[enroll]
vm = 2001:db8:d::10 $D/mn.pub
CONF

start() {   # start LOG: roam-ims in the background, its pid in IMS
    "$IMS_BIN" -c "$D/ims.conf" 2>"$1" & IMS=$!; PIDS="$PIDS $IMS"
    wait_log "$1" "serving on port"
}
start "$D/a.log"; ok $? "roam-ims serving"
NET=$(child "$IMS")
[ "$(children "$IMS")" = 1 ] && [ -n "$NET" ]
ok $? "two processes: the store process $IMS and the network process ${NET:-none}"
[ "$(field "$IMS" Seccomp)" = 2 ] && [ "$(field "$NET" Seccomp)" = 2 ]
ok $? "both serve under a seccomp filter (Seccomp: $(field "$IMS" Seccomp) and $(field "$NET" Seccomp))"
if [ "$(id -u)" = 0 ]; then
    [ "$(field "$NET" Uid)" = "$(id -u nobody)" ] && [ "$(field "$IMS" Uid)" = 0 ]
    ok $? "started as root, the network process runs as nobody, the store process as root"
else
    skip "not root: no user to give up"
fi
if grep -q "network process $NET: $D/ims.sqlite is out of reach (Permission denied)" "$D/a.log"; then
    ok 0 "the network process cannot open the database (EACCES)"
elif [ "$SANITIZE" != none ] && [ "$(id -u)" != 0 ]; then
    # Sanitizer builds let open through (their runtime reads /proc).
    skip "sanitized build ($SANITIZE), not root: open is not filtered"
else
    ok 1 "the network process cannot open the database (EACCES)"
fi
PORT=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$D/a.log")
"$IMS_BIN" query 2001:db8:d::10 --ims ::1 --ca "$D/ca.pem" --port "$PORT" --server-name ::1 \
    >"$D/q.out" 2>&1 && grep -q "^2001:db8:d::10 seq 0" "$D/q.out"
ok $? "a query is answered through the store process ($(cat "$D/q.out"))"
! "$IMS_BIN" query 2001:db8:d::11 --ims ::1 --ca "$D/ca.pem" --port "$PORT" --server-name ::1 \
    >"$D/q.out" 2>&1 && grep -q "not enrolled" "$D/q.out"
ok $? "an unknown HoA is not enrolled"
kill -TERM "$IMS"
gone "$IMS" && gone "$NET" && wait "$IMS"
ok $? "SIGTERM to the store process stops both, exit 0"
grep -q "stopped" "$D/a.log"
ok $? "roam-ims logs that it stopped"

start "$D/b.log"; NET=$(child "$IMS")
kill -KILL "$NET"
gone "$IMS"; ok $? "the network process killed, the store process ends too"
wait "$IMS"; [ $? = 1 ] && grep -q "network process killed by signal 9" "$D/b.log"
ok $? "... with exit 1 and the signal logged"

start "$D/c.log"; NET=$(child "$IMS")
kill -KILL "$IMS"
gone "$NET"; ok $? "the store process killed, the network process ends too"

echo "1..$N"
[ "$FAIL" = 0 ]
