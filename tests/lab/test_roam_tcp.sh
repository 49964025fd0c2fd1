#!/usr/bin/env bash
# tests/lab/test_roam_tcp.sh: the lab's TCP session tool (lab/guest/src/roam-tcp.c)
# ends a session early on SIGINT and still reports it, so that lab/demo
# and bench/interruption stop their sessions when the migration is over
# (lab/lib/session.sh).  No root: an echo service and a client on ::1 (TAP).
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
command -v gcc >/dev/null || { echo "1..0 # SKIP needs gcc (the lab's guest build uses it too)"; exit 0; }
T=$(mktemp -d)
srv=
trap '[ -z "$srv" ] || kill "$srv" 2>/dev/null; rm -rf "$T"' EXIT
gcc -O2 -Wall -Wextra -o "$T/roam-tcp" "$SRC/lab/guest/src/roam-tcp.c" || { echo "not ok 1 - roam-tcp builds"; echo "1..1"; exit 0; }
port=$((20000 + $$ % 20000))
"$T/roam-tcp" echo "$port" &
srv=$!
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
up=1
for _ in $(seq 50); do
    "$T/roam-tcp" client ::1 "$port" 0.05 10 >/dev/null 2>&1 && { up=0; break; }
    sleep 0.1
done
[ $up = 0 ] || { echo "1..0 # SKIP no TCP over ::1 here"; exit 0; }
"$T/roam-tcp" client ::1 "$port" 60 10 >"$T/out" 2>&1 &
cli=$!
sleep 1
t0=$(date +%s%N)
kill -INT "$cli"
wait "$cli"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
ok "$([ "$ms" -lt 3000 ]; echo $?)" "SIGINT ends a 60 s session at once (${ms} ms)"
ok "$rc" "exit 0: the session survived and every echo came back ($(cat "$T/out"))"
grep -Eq '^sent=[1-9][0-9]* echoed=[1-9][0-9]* longest_gap_ms=[0-9]+ status=ok$' "$T/out"
ok $? "its report line is printed"
echo "1..$n"
