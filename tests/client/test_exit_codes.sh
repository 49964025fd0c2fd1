#!/bin/sh
# roam migrate's exit statuses and --json codes against two real roamds on
# loopback (libvirt's test driver, a PKI and FABEO keys made here): usage
# errors and the same server on both sides before any connection, a
# missing key file, a closed port, a wrong CA, refusals by the destination
# and by the source, a migration that fails with the VM still on the
# source, and a source that dies after the migration was requested (outcome
# unknown, after asking both hosts where the VM runs).  The query id of the answer is in the daemons' logs.
# usage: test_exit_codes.sh ROAM ROAM_KGC ROAMD MAKE_PKI PYTHON
ROAM=$1
KGC=$2
ROAMD=$3
MAKE_PKI=$4
PYTHON=$5
T=$(mktemp -d /tmp/roam-exit-test.XXXXXX) || exit 1
pids=""
# (shellcheck takes the body for dead code: the trap runs it.)
# shellcheck disable=SC2317
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    wait
    rm -rf "$T"
}
trap cleanup EXIT
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# parse: checks that $T/out holds exactly one JSON object and writes its
# top-level fields as KEY=VALUE lines to $T/fields.
parse() {
    "$PYTHON" -c 'import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(objs) == 1, "not exactly one JSON object"
for k, v in objs[0].items():
    print("%s=%s" % (k, v))' "$T/out" >"$T/fields"
}
# field KEY: KEY of the last parsed object ("" if absent).
field() { sed -n "s/^$1=//p" "$T/fields"; }
# expect STATUS CODE DESCRIPTION ARGS...: roam migrate ARGS --json exits
# with STATUS and answers one JSON object with "code": CODE.
expect() {
    status=$1; code=$2; desc=$3; shift 3
    "$ROAM" migrate "$@" --json >"$T/out" 2>"$T/err"
    rc=$?
    : >"$T/fields"
    parse 2>"$T/jerr"
    got=$(field code)
    [ "$rc" -eq "$status" ] && [ "$got" = "$code" ]
    ok $? "$desc (exit $rc code '$got', want $status '$code')"
    if [ "$rc" -ne "$status" ] || [ "$got" != "$code" ]; then
        sed 's/^/# /' "$T/out" "$T/err" "$T/jerr"
    fi
}

"$MAKE_PKI" "$T" || exit 1
"$KGC" setup --out "$T/kgc" >/dev/null || exit 1
keygen() {
    out=$1; shift
    "$KGC" keygen --mpk "$T/kgc/mpk.pem" --msk "$T/kgc/msk.pem" --out "$T/$out" "$@" >/dev/null
}
# The destination accepts customers; the VM's migrate policy is B4 or M1.
keygen alice.key customer B4 'expiry = 2099-12-31' || exit 1
keygen nob4.key customer S1 'expiry = 2099-12-31' || exit 1
keygen outsider.key S1 'expiry = 2099-12-31' || exit 1
cat >"$T/node.xml" <<XML
<node>
 <domain type='test'>
  <name>vm1</name><memory>65536</memory><os><type>hvm</type></os>
  <metadata><roam:vm xmlns:roam='https://roam.example/ns/vm/1'><roam:migrate-policy>B4 or M1</roam:migrate-policy></roam:vm></metadata>
  <devices>
   <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='lo'/><target dev='tapt1'/></interface>
   <interface type='bridge'><mac address='52:54:00:00:00:02'/><source bridge='lo'/><target dev='tapt2'/><link state='down'/></interface>
  </devices>
 </domain>
</node>
XML
# daemon NAME [PEER_PORT]: starts a roamd on 127.0.0.1 (ports chosen by the
# kernel) logging to $T/NAME.log, which reaches destinations' peer side at
# PEER_PORT (default 7444); prints its client port.
daemon() {
    cat >"$T/$1.conf" <<CONF
[roamd]
name = 127.0.0.1
peer_port = ${2:-7444}
listen = 127.0.0.1:0
peer_listen = 127.0.0.1:0
cert = $T/host.pem
key = $T/host.key
peer_ca = $T/ca.pem
mpk = $T/kgc/mpk.pem
accept_policy = customer
libvirt_uri = test://$T/node.xml
bridge = lo
uplink = lo
router = fe80::1
audit_log = $T/$1-audit.jsonl
migrate_uri = test://{host}/default
[limits]
io_timeout_ms = 6000
ra_timeout_ms = 300
ra_max_age = 0
CONF
    "$ROAMD" -c "$T/$1.conf" >/dev/null 2>"$T/$1.log" &
    echo $! >"$T/$1.pid"
    i=0
    while [ $i -lt 100 ]; do
        port=$(sed -n 's/.*ready: clients on port \([0-9]*\),.*/\1/p' "$T/$1.log" 2>/dev/null)
        if [ -n "$port" ]; then echo "$port"; return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    sed 's/^/# /' "$T/$1.log" >&2
    return 1
}
DST=$(daemon dst) || { echo "1..0 # SKIP roamd does not start here"; exit 0; }
pids="$(cat "$T/dst.pid")"
SRC=$(daemon src) || { echo "Bail out! the second roamd does not start"; exit 1; }
pids="$pids $(cat "$T/src.pid")"
D=127.0.0.1:$DST
S=127.0.0.1:$SRC
common="--mpk $T/kgc/mpk.pem --ca $T/ca.pem --timeout 5"

# Before any connection.
# shellcheck disable=SC2086  # $common is several words
expect 2 usage "port out of range is a usage error" vm1 --from "$S" --to '[::1]:99999' --key "$T/alice.key" $common
[ "$(field phase)" = options ]; ok $? "… in phase options"
# shellcheck disable=SC2086
expect 2 usage "a bad --timeout is a usage error, also before --json" vm1 --timeout 0 --from "$S" --to "$D"
# shellcheck disable=SC2086
expect 2 usage "a missing --to is a usage error" vm1 --from "$S" $common
grep -q -- '--to' "$T/out"; ok $? "… naming --to"
before=$(wc -l <"$T/dst-audit.jsonl" 2>/dev/null || echo 0)
# shellcheck disable=SC2086
expect 2 usage "the same server on both sides is a usage error" vm1 --from "$D" --to "127.0.0.1:$DST" --key "$T/alice.key" $common
after=$(wc -l <"$T/dst-audit.jsonl" 2>/dev/null || echo 0)
[ "$before" = "$after" ]; ok $? "… caught before any authentication (audit log unchanged)"
# shellcheck disable=SC2086
expect 2 usage "the same server written twice differently" vm1 --from "[::1]" --to "[0::1]:7443" --key "$T/alice.key" $common
# shellcheck disable=SC2086
expect 2 local "a missing key file is a local error" vm1 --from "$S" --to "$D" --key "$T/missing.key" $common
field message | grep -q missing.key; ok $? "… whose message names the file"
[ -z "$(field query_id)" ]; ok $? "… and no query id (no query was made)"

# The network and TLS.
# shellcheck disable=SC2086
expect 3 unreachable "a closed port is unreachable" vm1 --from "$S" --to 127.0.0.1:1 --key "$T/alice.key" $common
[ "$(field phase)" = "destination authentication" ]; ok $? "… at the destination"
# shellcheck disable=SC2086
expect 4 tls "a wrong CA is a TLS identity failure" vm1 --from "$S" --to "$D" --key "$T/alice.key" --mpk "$T/kgc/mpk.pem" --ca "$T/other-ca.pem" --timeout 5

# The daemons' answers.
# shellcheck disable=SC2086
expect 1 refused "the destination refuses a key outside its accept policy" vm1 --from "$S" --to "$D" --key "$T/outsider.key" $common
qid=$(field query_id)
echo "$qid" | grep -q '^[0-9a-f]\{32\}$'; ok $? "… with the query id ($qid)"
grep -q "$qid" "$T/dst.log"; ok $? "… which the destination's log carries"
# shellcheck disable=SC2086
expect 1 refused "the source refuses a key outside the VM's migrate policy" vm1 --from "$S" --to "$D" --key "$T/nob4.key" $common
[ "$(field phase)" = "source authentication" ]; ok $? "… in source authentication"
grep -q "$(field query_id)" "$T/src.log"; ok $? "… and the source's log carries its query id"
# shellcheck disable=SC2086
expect 5 migration_failed "a migration that fails on loopback leaves the VM on the source" vm1 --from "$S" --to "$D" --key "$T/alice.key" $common
grep "$(field query_id)" "$T/src.log" | grep -q "failed in"; ok $? "… and the source logs the failure with the query id"

# A source that dies after the migration was requested: its peer port
# leads to a listener that never answers, so the source hangs in admission
# until it is killed.
"$PYTHON" -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
print(s.getsockname()[1], flush=True)
time.sleep(120)' >"$T/sink.port" &
pids="$pids $!"
i=0
while [ ! -s "$T/sink.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
SRC2=$(daemon src2 "$(cat "$T/sink.port")") || { echo "Bail out! the third roamd does not start"; exit 1; }
pids="$pids $(cat "$T/src2.pid")"
# shellcheck disable=SC2086
"$ROAM" migrate vm1 --from "127.0.0.1:$SRC2" --to "$D" --key "$T/alice.key" $common --locate-wait 3 --json >"$T/out" 2>"$T/err" &
roam_pid=$!
i=0
while ! grep -q "migrate granted" "$T/src2.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
kill -9 "$(cat "$T/src2.pid")"
wait "$roam_pid"
rc=$?
: >"$T/fields"
parse 2>"$T/jerr"
[ "$rc" -eq 6 ] && [ "$(field code)" = unknown_outcome ]
ok $? "a source lost after the request: outcome unknown (exit $rc code '$(field code)', want 6 'unknown_outcome')"
# It asked both hosts where the VM runs: the destination (the test
# driver's vm1 runs there too) answered, the dead source did not.
field message | grep -q "vm1 runs on $D; 127.0.0.1:$SRC2 did not answer"
ok $? "… and the message says what the destination answered and that the source did not"
grep '"event":"locate"' "$T/dst-audit.jsonl" | grep -q '"location":"running"'
ok $? "… which the destination audited (event locate)"
# shellcheck disable=SC2086
expect 2 usage "a bad --locate-wait is a usage error" vm1 --from "$S" --to "$D" --locate-wait 1x $common

# For a person: the query id on failure, the same status.
# shellcheck disable=SC2086
"$ROAM" migrate vm1 --from "$S" --to "$D" --key "$T/outsider.key" $common >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q 'query id [0-9a-f]\{32\}' "$T/err"; ok $? "human output: exit 1 and the query id"

tap_done
